using Orleans.Concurrency;
using Sessions.Abstractions.Webhooks;
using Sessions.Canonical;

namespace Sessions.Abstractions.Entities;

/// <summary>A grain that owns one tracked entity. Key: <c>{provider}/{id}</c> (see <see cref="EntityKey"/>).</summary>
[Alias("Sessions.Abstractions.Entities.IEntityGrain")]
public interface IEntityGrain : IGrainWithStringKey
{
    /// <summary>Dedupes, folds and durably stores one event; returns only once it is stored.</summary>
    [Alias("ApplyAsync")]
    Task<TransitionOutcome> ApplyAsync(CanonicalEvent evt);

    /// <summary>
    /// As <see cref="ApplyAsync(CanonicalEvent)"/> for the one event of a webhook: the request's raw log row (its one
    /// outcome filled in here) is stored in the same commit as the event, unless the outcome is
    /// <see cref="TransitionOutcome.Duplicate"/>, which stores nothing and leaves the row to the caller.
    /// </summary>
    [Alias("ApplyLoggedAsync")]
    Task<TransitionOutcome> ApplyAsync(CanonicalEvent evt, RawWebhook? request);

    /// <summary>Removes the entity's state if it finished before <paramref name="finishedBefore"/>; true when it did.</summary>
    [Alias("ExpireAsync")]
    Task<bool> ExpireAsync(DateTimeOffset finishedBefore);

    /// <summary>Files the entity's list item in its index shard again (a shard repairing what a crash lost asks for it).</summary>
    [Alias("RefileAsync"), OneWay]
    Task RefileAsync();
}

/// <summary>An entity grain whose snapshot is a <typeparamref name="TSnapshot"/>.</summary>
[Alias("Sessions.Abstractions.Entities.IEntityGrain`1")]
public interface IEntityGrain<TSnapshot> : IEntityGrain
{
    /// <summary>The entity as known now, with its timeline, or null when no event ever reached it.</summary>
    [Alias("GetAsync")]
    Task<TSnapshot?> GetAsync();
}
