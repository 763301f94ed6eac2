-- Lets an index shard find, after a crash, the entities written since its own last write
-- (SELECT … WHERE ServiceId = @service AND GrainTypeString = @type AND ModifiedOn >= @since) without a full scan.
CREATE INDEX IF NOT EXISTS IX_OrleansGrainState_Modified ON OrleansGrainState (ServiceId, GrainTypeString, ModifiedOn);
