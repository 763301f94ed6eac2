-- Index shards keep one row per entry (the entity's list item, serialized), so a shard's write costs what changed
-- since its last one rather than the whole shard, and when each shard last wrote (its crash repair starts there).
-- Their earlier whole-shard rows in OrleansGrainState are dropped: a shard with no saved time files every entity of
-- its kind again from the entities' own state on its next activation.
-- Applied idempotently at start-up.

CREATE TABLE IF NOT EXISTS SessionsIndexEntry
(
    ServiceId TEXT NOT NULL,
    Shard     TEXT NOT NULL,
    EntryKey  TEXT NOT NULL,
    Payload   BLOB NOT NULL,
    PRIMARY KEY (ServiceId, Shard, EntryKey)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS SessionsIndexShard
(
    ServiceId TEXT    NOT NULL,
    Shard     TEXT    NOT NULL,
    SavedAtMs INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, Shard)
);

DELETE FROM OrleansGrainState WHERE GrainTypeString = 'index';
