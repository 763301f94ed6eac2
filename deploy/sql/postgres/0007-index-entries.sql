-- Index shards keep one row per entry (the entity's list item, serialized), so a shard's write costs what changed
-- since its last one rather than the whole shard, and when each shard last wrote (its crash repair starts there).
-- Their earlier whole-shard rows in OrleansGrainState are dropped: a shard with no saved time files every entity of
-- its kind again from the entities' own state on its next activation.
-- Applied idempotently at start-up.

CREATE TABLE IF NOT EXISTS SessionsIndexEntry
(
    ServiceId text  NOT NULL,
    Shard     text  NOT NULL,
    EntryKey  text  NOT NULL,
    Payload   bytea NOT NULL,
    PRIMARY KEY (ServiceId, Shard, EntryKey)
) WITH (fillfactor = 80); -- room on each page, so rewriting an entry's payload stays a heap-only update

CREATE TABLE IF NOT EXISTS SessionsIndexShard
(
    ServiceId text   NOT NULL,
    Shard     text   NOT NULL,
    SavedAtMs bigint NOT NULL,
    PRIMARY KEY (ServiceId, Shard)
);

DELETE FROM OrleansGrainState WHERE GrainTypeString = 'index';
