-- Grain states over about 2 KB are compressed when stored (TOAST). PostgreSQL's default method, pglz, took a quarter of
-- the server's CPU under ingest load; lz4 compresses several times faster at a similar ratio (BENCHMARKS.md).
-- Applies to values written from now on. A server built without lz4 keeps pglz: nothing else depends on the method.
DO $$
BEGIN
    ALTER TABLE OrleansGrainState ALTER COLUMN PayloadBinary SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available on this server; grain states stay pglz-compressed';
END
$$;
