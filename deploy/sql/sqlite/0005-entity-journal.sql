-- The entity journal: every event an entity stored, one row per (entity, version), appended in group commits before
-- the webhook is answered. The entity's full record (the snapshot) lives in OrleansGrainState and is rewritten behind
-- the journal every Storage:SnapshotEvery events; entries below the snapshot's version are trimmed, the latest entry
-- of every entity always stays. Payload is the canonical event as UTF-8 JSON; an empty payload is a tombstone
-- (retention removed the entity there). The primary key is the fence between two activations of one entity.
-- Applied idempotently at start-up.
CREATE TABLE IF NOT EXISTS SessionsJournal
(
    ServiceId    TEXT    NOT NULL,
    GrainType    TEXT    NOT NULL,
    GrainKey     TEXT    NOT NULL,
    Version      INTEGER NOT NULL,
    RecordedAtMs INTEGER NOT NULL,
    Payload      BLOB    NOT NULL,
    PRIMARY KEY (ServiceId, GrainType, GrainKey, Version)
) WITHOUT ROWID;

-- Index shards repairing after a crash ask which entities of a kind changed since a moment.
CREATE INDEX IF NOT EXISTS IX_SessionsJournal_RecordedAtMs ON SessionsJournal (GrainType, RecordedAtMs);

-- The repair query no longer reads OrleansGrainState, so its index on ModifiedOn only cost writes.
DROP INDEX IF EXISTS IX_OrleansGrainState_Modified;
