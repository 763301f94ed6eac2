-- The entity journal without an index by entity (issue 11). Since 0009 every append also went into the unique index on
-- (entity, version), and with a fleet's entities spread over that index each append dirtied a page of it at a place of
-- its own, which the single writer then wrote to the WAL, synced and later copied back: dropping it alone raised SQLite
-- mode's requests/s by 13% (BENCHMARKS.md §7). SQLite mode runs one process, whose group commit now keeps the fence
-- in memory and an entity's rows are found by following them back from its latest one:
--   * PrevSeq: each row points to the row of the same entity appended before it (NULL for an entity's first row, and
--     pointing to a trimmed row below the oldest one kept; readers stop there);
--   * SessionsJournalHeads: each entity's latest row (its head) and version, saved by the group commit for all entities
--     that changed, every few seconds, instead of an index entry for every event;
--   * SessionsJournalHeadsSaved: the last journal row the saved heads account for; at start the rows after it are read
--     again to find the heads not saved before a crash.
-- PostgreSQL mode keeps its unique key: there several silos append, and the database is the fence between them.
-- Applied once by the schema migrator, which links and indexes what the journal holds before dropping the index.
ALTER TABLE SessionsJournal ADD COLUMN PrevSeq INTEGER;

UPDATE SessionsJournal AS j SET PrevSeq = (
    SELECT p.Seq FROM SessionsJournal p
    WHERE p.ServiceId = j.ServiceId AND p.GrainType = j.GrainType AND p.GrainKey = j.GrainKey AND p.Version < j.Version
    ORDER BY p.Version DESC LIMIT 1);

CREATE TABLE SessionsJournalHeads
(
    ServiceId TEXT    NOT NULL,
    GrainType TEXT    NOT NULL,
    GrainKey  TEXT    NOT NULL,
    Seq       INTEGER NOT NULL,
    Version   INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainType, GrainKey)
) WITHOUT ROWID;

-- An entity's latest row: SQLite takes the bare column (Seq) from the row that holds the maximum.
INSERT INTO SessionsJournalHeads (ServiceId, GrainType, GrainKey, Seq, Version)
SELECT ServiceId, GrainType, GrainKey, Seq, max(Version) FROM SessionsJournal GROUP BY ServiceId, GrainType, GrainKey;

CREATE TABLE SessionsJournalHeadsSaved
(
    ServiceId  TEXT    NOT NULL PRIMARY KEY,
    ThroughSeq INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO SessionsJournalHeadsSaved (ServiceId, ThroughSeq) SELECT ServiceId, max(Seq) FROM SessionsJournal GROUP BY ServiceId;

DROP INDEX UX_SessionsJournal_Entity;
