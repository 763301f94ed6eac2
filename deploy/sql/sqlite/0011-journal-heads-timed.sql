-- The index shards' repair reads the saved heads' times instead of an index of the journal by time (issue 11). Since
-- 0009 every append also went into IX_SessionsJournal_RecordedAtMs (kind, time, entity), which only a shard's repair
-- after a crash reads ("which entities of a kind changed since a moment"): 2.5 of the 7.1 WAL pages of a group commit of
-- 8 appends (benchmarks/sqlite-journal-layout.py, layouts linked and untimed). Each saved head now carries the time of
-- its entity's latest row, indexed; heads not saved yet are in the writer's memory, which the repair reads too. A head
-- is saved once per entity that changed every few seconds, not once per event.
ALTER TABLE SessionsJournalHeads ADD COLUMN RecordedAtMs INTEGER NOT NULL DEFAULT 0;

UPDATE SessionsJournalHeads AS h SET RecordedAtMs = coalesce((SELECT j.RecordedAtMs FROM SessionsJournal j WHERE j.Seq = h.Seq), 0);

CREATE INDEX IX_SessionsJournalHeads_RecordedAtMs ON SessionsJournalHeads (ServiceId, GrainType, RecordedAtMs);

DROP INDEX IX_SessionsJournal_RecordedAtMs;
