-- Lets an index shard find, after a crash, the entities written since its own last write
-- (SELECT … WHERE ServiceId = ? AND GrainTypeString = ? AND ModifiedOn >= ?) without reading the whole table.
CREATE INDEX IF NOT EXISTS IX_OrleansGrainState_Modified ON OrleansGrainState (ServiceId, GrainTypeString, ModifiedOn);
