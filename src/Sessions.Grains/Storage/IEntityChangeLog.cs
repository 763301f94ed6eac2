using Sessions.Canonical;

namespace Sessions.Grains.Storage;

/// <summary>
/// Which entities' stored state changed since a moment, read from the grain storage itself. An index shard asks on
/// activation, so the list updates it lost in a crash (it writes behind) are filed again from the entities.
/// </summary>
public interface IEntityChangeLog
{
    /// <summary>The grain keys of entities of <paramref name="kind"/> with state written at or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<string>> KeysChangedSinceAsync(EntityKind kind, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>For storage that does not outlive the process (memory storage): nothing can be newer than the index.</summary>
public sealed class NoEntityChangeLog : IEntityChangeLog
{
    public Task<IReadOnlyList<string>> KeysChangedSinceAsync(EntityKind kind, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
