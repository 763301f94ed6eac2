namespace Sessions.Abstractions.Indexing;

/// <summary>
/// One change for an index shard, as entities send them: file <see cref="Entry"/> (with <see cref="Notify"/>,
/// subscribers hear of it), or, when it is null, forget <see cref="Key"/> unless an entry newer than
/// <see cref="Version"/> was filed since.
/// </summary>
[GenerateSerializer, Immutable, Alias("Sessions.Abstractions.Indexing.IndexUpdate`1")]
public sealed record IndexUpdate<TItem>(
    [property: Id(0)] string Key,
    [property: Id(1)] long Version,
    [property: Id(2)] IndexEntry<TItem>? Entry,
    [property: Id(3)] bool Notify);
