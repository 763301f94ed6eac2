using System.Text.Json;
using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Livestreams;
using Sessions.Abstractions.Recordings;
using Sessions.Abstractions.Servers;
using Sessions.Abstractions.Sessions;
using Sessions.Canonical;
using Sessions.Grains.Clients;
using Sessions.Grains.Entities;
using Sessions.Grains.Livestreams;
using Sessions.Grains.Recordings;
using Sessions.Grains.Servers;
using Sessions.Grains.Sessions;
using Sessions.Testing.Webhooks;
using Sessions.Webhooks;
using ServerMachineState = Sessions.Grains.Servers.ServerState;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>Canonical events for the state-machine tests, and folds of them through each kind's machine.</summary>
internal static class Canonical
{
    public static readonly DateTimeOffset T0 = Events.T0;

    /// <summary>The header every test snapshot is rendered with: only the state's part differs between folds.</summary>
    public static readonly EntityHeader Header = new("test", "entity-1", T0, T0);

    /// <summary>
    /// An event <paramref name="seconds"/> after <see cref="T0"/>. The default dedupe key is derived from the content
    /// (as JSON, which spells out lists) and time, so equal events share a key (a redelivery) and different ones never do.
    /// </summary>
    public static CanonicalEvent At(double seconds, EntityChange change, string? key = null, EntityKind? kind = null) => new()
    {
        Type = change.GetType().Name,
        Provider = "test",
        Kind = kind ?? KindOf(change),
        EntityId = "entity-1",
        OccurredAt = T0.AddSeconds(seconds),
        DedupeKey = key ?? $"{seconds}:{JsonSerializer.Serialize(change)}",
        Change = change,
    };

    public static EntityKind KindOf(EntityChange change) => change switch
    {
        ServerStateChanged or ServerSeen => EntityKind.Server,
        RecordingStatusChanged => EntityKind.Recording,
        LivestreamStatusChanged or LivestreamUpdated or SimulcastTargetChanged or LivestreamAssetCreated => EntityKind.Livestream,
        ClientRegistrationChanged or ClientActive => EntityKind.Client,
        _ => EntityKind.Session,
    };

    public static (ServerMachineState State, ServerSnapshot Snapshot) Server(params IEnumerable<CanonicalEvent> events) =>
        Fold<ServerMachineState, ServerSnapshot, ServerStateMachine>(events);

    public static (SessionState State, SessionSnapshot Snapshot) Session(params IEnumerable<CanonicalEvent> events) =>
        Fold<SessionState, SessionSnapshot, SessionStateMachine>(events);

    public static (RecordingState State, RecordingSnapshot Snapshot) Recording(params IEnumerable<CanonicalEvent> events) =>
        Fold<RecordingState, RecordingSnapshot, RecordingStateMachine>(events);

    public static (LivestreamState State, LivestreamSnapshot Snapshot) Livestream(params IEnumerable<CanonicalEvent> events) =>
        Fold<LivestreamState, LivestreamSnapshot, LivestreamStateMachine>(events);

    public static (ClientState State, ClientSnapshot Snapshot) Client(params IEnumerable<CanonicalEvent> events) =>
        Fold<ClientState, ClientSnapshot, ClientStateMachine>(events);

    public static (TState State, TSnapshot Snapshot) Fold<TState, TSnapshot, TMachine>(IEnumerable<CanonicalEvent> events)
        where TState : class, new()
        where TMachine : IEntityStateMachine<TState, TSnapshot>
    {
        var state = new TState();
        foreach (var evt in events)
        {
            TMachine.Apply(state, evt);
        }

        return (state, TMachine.Snapshot(state, Header, []));
    }

    /// <summary>
    /// Folds <paramref name="events"/> through the machine of <paramref name="kind"/> and returns everything the grain
    /// publishes of the result (snapshot, status word, facets, finish time) as JSON; on the way, checks that every Apply
    /// answers true exactly when the snapshot changed.
    /// </summary>
    public static string FinalJson(EntityKind kind, IEnumerable<CanonicalEvent> events) => kind switch
    {
        EntityKind.Server => Checked<ServerMachineState, ServerSnapshot, ServerStateMachine>(events),
        EntityKind.Session => Checked<SessionState, SessionSnapshot, SessionStateMachine>(events),
        EntityKind.Recording => Checked<RecordingState, RecordingSnapshot, RecordingStateMachine>(events),
        EntityKind.Livestream => Checked<LivestreamState, LivestreamSnapshot, LivestreamStateMachine>(events),
        EntityKind.Client => Checked<ClientState, ClientSnapshot, ClientStateMachine>(events),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The canonical events the real adapters make of one fixture, sent as its README says.</summary>
    public static IReadOnlyList<CanonicalEvent> FromFixture(string id)
    {
        var verdict = TestSources.HandleFixture(FixtureFiles.Get(id));
        return [.. Assert.IsType<WebhookVerdict.Accepted>(verdict).Items.OfType<CanonicalEvent>()];
    }

    /// <summary>The events of fixture <paramref name="id"/> that belong to one entity kind.</summary>
    public static IEnumerable<CanonicalEvent> FromFixture(string id, EntityKind kind) => FromFixture(id).Where(e => e.Kind == kind);

    private static string Checked<TState, TSnapshot, TMachine>(IEnumerable<CanonicalEvent> events)
        where TState : class, new()
        where TMachine : IEntityStateMachine<TState, TSnapshot>
    {
        var state = new TState();
        var json = Json(TMachine.Snapshot(state, Header, []));
        foreach (var evt in events)
        {
            var changed = TMachine.Apply(state, evt);
            var next = Json(TMachine.Snapshot(state, Header, []));
            if (changed != (next != json))
            {
                Assert.Fail($"{typeof(TMachine).Name}.Apply answered {changed} for {evt.Change} at {evt.OccurredAt:O}, but the snapshot {(changed ? "did not change" : "changed")}:\n{json}\n{next}");
            }

            json = next;
        }

        return Json(new { Snapshot = json, Status = TMachine.Status(state), Facets = TMachine.Facets(state), FinishedAt = TMachine.FinishedAt(state) });
    }

    private static string Json<TSnapshot>(TSnapshot snapshot) => JsonSerializer.Serialize(snapshot);
}
