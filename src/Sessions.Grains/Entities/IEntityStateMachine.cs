using Sessions.Abstractions.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Entities;

/// <summary>What every snapshot of an entity starts with: who it is and when it was first and last heard of.</summary>
/// <param name="Provider">The provider kind (<c>liveswitch</c>, <c>dyte</c>, …).</param>
/// <param name="Id">The provider's id of the entity.</param>
/// <param name="FirstEventAt">The earliest event time seen (the entity's creation time for lists).</param>
/// <param name="LastEventAt">The latest event time seen (last-seen).</param>
public sealed record EntityHeader(string Provider, string Id, DateTimeOffset FirstEventAt, DateTimeOffset LastEventAt);

/// <summary>
/// The pure state machine of one entity kind: folds canonical events into <typeparamref name="TState"/> so that the
/// result depends on the set of events, not their order, and renders snapshots and index facts from it.
/// No clock, no I/O, no Orleans calls: the grain only dedupes, delegates, persists and publishes.
/// </summary>
/// <typeparam name="TState">The kind's persisted state (mutable, <c>[GenerateSerializer]</c>).</typeparam>
/// <typeparam name="TSnapshot">What the API shows of one entity.</typeparam>
public interface IEntityStateMachine<TState, TSnapshot>
    where TState : class, new()
{
    /// <summary>The entity kind this machine serves.</summary>
    static abstract EntityKind Kind { get; }

    /// <summary>Folds one event (already deduped by the grain) into the state; true when anything observable changed.</summary>
    /// <remarks>Must be commutative and idempotent: any order of the same events, with repeats, gives the same state.</remarks>
    static abstract bool Apply(TState state, CanonicalEvent evt);

    /// <summary>The full view of one entity, with its timeline.</summary>
    static abstract TSnapshot Snapshot(TState state, EntityHeader header, IReadOnlyList<TimelineEntry> timeline);

    /// <summary>The compact view used in lists: no timeline, and no large collections.</summary>
    static abstract TSnapshot ListItem(TState state, EntityHeader header);

    /// <summary>The canonical status word the indexes file the entity under (<c>registered</c>, <c>active</c>, <c>ready</c>, …).</summary>
    static abstract string Status(TState state);

    /// <summary>Extra values lists filter on and aggregates count by (server: <c>role</c>, <c>region</c>, <c>health</c>).</summary>
    static abstract IReadOnlyDictionary<string, string> Facets(TState state);

    /// <summary>
    /// Text besides the id that a list's <c>?q=</c> search matches (a session's title and participants, a server's
    /// machine name). It is kept in memory in the index for every entity: only what people search by.
    /// </summary>
    static abstract IReadOnlyList<string> SearchTerms(TState state);

    /// <summary>When the entity reached a finished state (ended, ready, failed, expired, deleted, stopped), or null while it is live.</summary>
    static abstract DateTimeOffset? FinishedAt(TState state);

    /// <summary>
    /// Events for other entities that <paramref name="evt"/>, now folded in, implies (a livestream's end ends the
    /// recordings its provider never ends). The grain applies them before it answers, and again when the event is
    /// retried, so they are as durable as the event; they must be idempotent (stable dedupe keys). None by default.
    /// </summary>
    static virtual IReadOnlyList<CanonicalEvent> FollowUps(TState state, CanonicalEvent evt) => [];
}
