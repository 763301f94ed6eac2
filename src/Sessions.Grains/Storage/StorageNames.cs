namespace Sessions.Grains.Storage;

/// <summary>Names of the grain storage providers the grains persist to.</summary>
public static class StorageNames
{
    /// <summary>Durable storage of entity grains (SQLite, PostgreSQL, or memory in tests).</summary>
    public const string Entities = "entities";
}
