-- The entity journal stored in the order it is appended (issue 11). 0005 clustered the rows themselves by entity and
-- version (WITHOUT ROWID): every append then landed on a page of its own entity, and with rows of most of a kilobyte
-- (the event) a page holds a handful, so appends split pages all the time. A group commit of 8 appends across a fleet
-- wrote 32 pages to the WAL, each also copied back at the next checkpoint. Now the rows follow one another in append
-- order (a rowid table: a commit's rows share a page or two) and only the small key (entity + version) sits in an
-- index of its own: 18 pages for the same 8 appends, a quarter less CPU per commit (BENCHMARKS.md §7). The unique index
-- is the fence between two activations of one entity, as the primary key was; reads of one entity go through it.
-- Applied once by the schema migrator, which copies what the journal holds (the rows since each entity's snapshot).
CREATE TABLE SessionsJournalInOrder
(
    Seq          INTEGER PRIMARY KEY,
    ServiceId    TEXT    NOT NULL,
    GrainType    TEXT    NOT NULL,
    GrainKey     TEXT    NOT NULL,
    Version      INTEGER NOT NULL,
    RecordedAtMs INTEGER NOT NULL,
    Payload      BLOB    NOT NULL
);

-- Copied in the old key's order, as the old table reads fastest (no sort of every event through temporary files); new
-- appends follow in append order.
INSERT INTO SessionsJournalInOrder (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload)
SELECT ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload FROM SessionsJournal;

DROP TABLE SessionsJournal;

ALTER TABLE SessionsJournalInOrder RENAME TO SessionsJournal;

CREATE UNIQUE INDEX UX_SessionsJournal_Entity ON SessionsJournal (ServiceId, GrainType, GrainKey, Version);

-- Index shards repairing after a crash ask which entities of a kind changed since a moment (as in 0005). The index
-- carries the entity, as 0005's did (an index of a WITHOUT ROWID table holds the table's key), so the answer comes
-- from the index alone and not from a row read per entry.
CREATE INDEX IX_SessionsJournal_RecordedAtMs ON SessionsJournal (GrainType, RecordedAtMs, ServiceId, GrainKey);
