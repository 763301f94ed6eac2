using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Servers;
using Sessions.Grains.Entities;
using Sessions.Canonical;

namespace Sessions.Grains.Servers;

/// <summary>
/// Servers: the lifecycle is time-first (ties: started &lt; registered &lt; unregistered &lt; stopped), so a
/// <c>started</c> newer than a <c>stopped</c> is a restart; every distinct <c>started</c> is one incarnation.
/// Machine facts come from every state event (each carries the server object), newest wins per field. Health here is
/// what the events say (<see cref="ServerHealthRules.Of"/>); silence needs the tracker's clock and is applied by the
/// index shards and the API.
/// </summary>
public sealed class ServerStateMachine : IEntityStateMachine<ServerState, ServerSnapshot>
{
    private static readonly EntityHeader Nobody = new("", "", default, default);

    public static EntityKind Kind => EntityKind.Server;

    public static bool Apply(ServerState state, CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evt);
        var before = ListItem(state, Nobody);
        switch (evt.Change)
        {
            case ServerStateChanged changed:
                Fold(state, evt, changed);
                break;
            case ServerSeen seen:
                // Stats move last-seen (the header's business); they may also be the only place the role shows.
                state.Role.KeepHighest(EventStamp.TimeFirst(evt.OccurredAt, 0, evt.DedupeKey), seen.Role);
                break;
            default:
                return false;
        }

        return ListItem(state, Nobody) != before;
    }

    public static ServerSnapshot Snapshot(ServerState state, EntityHeader header, IReadOnlyList<TimelineEntry> timeline) =>
        Render(state, header, timeline);

    public static ServerSnapshot ListItem(ServerState state, EntityHeader header) => Render(state, header, null);

    public static string Status(ServerState state) => StatusWords.Of(Lifecycle(state));

    /// <summary>The facet value of a role or region the provider did not state, so fleet counts group it under a word.</summary>
    public const string Unknown = "unknown";

    /// <summary>The facet holding the health word (<c>healthy</c>, <c>degraded</c>, <c>down</c>, <c>offline</c>).</summary>
    public const string HealthFacet = "health";

    /// <summary>The facet holding why a server is not healthy; absent when it is.</summary>
    public const string HealthReasonFacet = "healthReason";

    /// <summary>The machine name the server reported.</summary>
    public static IReadOnlyList<string> SearchTerms(ServerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return SearchText.Of([state.MachineName.Value]);
    }

    public static IReadOnlyDictionary<string, string> Facets(ServerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var (health, reason) = ServerHealthRules.Of(Lifecycle(state), state.Role.Value);
        var facets = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["role"] = state.Role.Value ?? Unknown,
            ["region"] = state.Region.Value ?? Unknown,
            [HealthFacet] = StatusWords.Of(health),
        };
        if (reason is not null)
        {
            facets[HealthReasonFacet] = reason;
        }

        return facets;
    }

    public static DateTimeOffset? FinishedAt(ServerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Lifecycle.Stamp is { } stamp && state.Lifecycle.Value == ServerStatus.Stopped ? stamp.At : null;
    }

    private static void Fold(ServerState state, CanonicalEvent evt, ServerStateChanged changed)
    {
        var stamp = EventStamp.TimeFirst(evt.OccurredAt, (int)changed.State, evt.DedupeKey);
        state.Lifecycle.KeepHighest(stamp, changed.State);
        state.Role.KeepHighest(stamp, changed.Role);
        if (changed.State == ServerStatus.Started)
        {
            SortedSets.Add(state.Starts, evt.DedupeKey);
        }

        if (changed.Info is not { } info)
        {
            return;
        }

        state.MachineName.Offer(stamp, info.MachineName);
        state.Version.Offer(stamp, info.Version);
        state.CoreCount.Offer(stamp, info.CoreCount);
        state.OperatingSystem.Offer(stamp, info.OperatingSystem);
        state.OperatingSystemVersion.Offer(stamp, info.OperatingSystemVersion);
        state.Region.Offer(stamp, info.Region);
        state.DeploymentId.Offer(stamp, info.DeploymentId);
    }

    /// <summary>A server heard of only through stats is running: it counts as started.</summary>
    private static ServerStatus Lifecycle(ServerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Lifecycle.Stamp is null ? ServerStatus.Started : state.Lifecycle.Value;
    }

    private static ServerSnapshot Render(ServerState state, EntityHeader header, IReadOnlyList<TimelineEntry>? timeline)
    {
        ArgumentNullException.ThrowIfNull(header);
        var lifecycle = Lifecycle(state);
        var (health, reason) = ServerHealthRules.Of(lifecycle, state.Role.Value);
        return new ServerSnapshot(
            header.Provider,
            header.Id,
            state.Role.Value,
            lifecycle,
            health,
            state.MachineName.Value,
            state.Version.Value,
            state.Region.Value,
            state.DeploymentId.Value,
            state.CoreCount.Value,
            state.OperatingSystem.Value,
            state.OperatingSystemVersion.Value,
            state.Starts.Count,
            state.Lifecycle.Stamp?.At,
            header.FirstEventAt,
            header.LastEventAt,
            timeline,
            reason);
    }
}
