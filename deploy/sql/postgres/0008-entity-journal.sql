-- The entity journal: every event an entity stored, one row per (entity, version), appended in group commits before
-- the webhook is answered. The entity's full record (the snapshot) lives in OrleansGrainState and is rewritten behind
-- the journal every Storage:SnapshotEvery events; entries below the snapshot's version are trimmed, the latest entry
-- of every entity always stays. Payload is the canonical event as UTF-8 JSON; an empty payload is a tombstone
-- (retention removed the entity there). The primary key is the fence between two activations of one entity: the
-- second append of a version stores nothing and that activation reloads.
-- Applied idempotently at start-up.
CREATE TABLE IF NOT EXISTS SessionsJournal
(
    ServiceId    text   NOT NULL,
    GrainType    text   NOT NULL,
    GrainKey     text   NOT NULL,
    Version      bigint NOT NULL,
    RecordedAtMs bigint NOT NULL,
    Payload      bytea  NOT NULL,
    PRIMARY KEY (ServiceId, GrainType, GrainKey, Version)
);

-- Index shards repairing after a crash ask which entities changed since a moment. Rows arrive in time order, so a
-- block-range index answers that for a few bytes per thousand rows, and costs an append almost nothing.
CREATE INDEX IF NOT EXISTS IX_SessionsJournal_RecordedAtMs ON SessionsJournal USING brin (RecordedAtMs) WITH (autosummarize = on);

-- The repair query no longer reads OrleansGrainState. Its index on (ServiceId, GrainTypeString, ModifiedOn) also
-- misled the planner: on a table never analysed, point reads and writes of grain state walked it (every row of the
-- grain type) instead of the primary key, so cost per event grew with the number of entities.
DROP INDEX IF EXISTS IX_OrleansGrainState_Modified;
