using CsCheck;
using Sessions.Canonical;
using Sessions.Grains.Sessions;
using Sessions.Testing.Webhooks;
using static Sessions.Grains.Tests.StateMachines.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>
/// Property tests: the final snapshot is a function of the set of events. Every arrival order, with redeliveries mixed
/// in, gives the snapshot of the ordered sequence (all orders for small sets, sampled shuffles otherwise), and on the
/// way every Apply answers true exactly when the snapshot changed.
/// </summary>
public sealed class OrderIndependenceTests
{
    private const int Iterations = 150;
    private const int AllOrdersUpTo = 6;

    public static TheoryData<string> Providers => [.. FixtureFiles.Providers];

    [Theory]
    [MemberData(nameof(Providers))]
    public void FixtureLifecycleGivesTheSameEntitiesInAnyOrder(string provider)
    {
        var events = FixtureFiles.All.Where(f => f.Folder == provider).SelectMany(f => FromFixture(f.Id));

        foreach (var entity in events.GroupBy(e => (e.Kind, e.Provider, e.EntityId)))
        {
            var lifecycle = entity.ToArray();
            var expected = FinalJson(entity.Key.Kind, lifecycle);
            if (lifecycle.Length <= AllOrdersUpTo)
            {
                foreach (var order in Permutations(lifecycle))
                {
                    Assert.Equal(expected, FinalJson(entity.Key.Kind, order));
                }
            }

            Arrivals(lifecycle).Sample(arrival => Assert.Equal(expected, FinalJson(entity.Key.Kind, arrival)), iter: Iterations, print: Describe);
        }
    }

    [Fact]
    public void GeneratedServerLifecyclesAreOrderIndependent()
    {
        var roles = Gen.OneOf("gateway", "mediaserver");
        var infos = Gen.Select(
            Gen.OneOf<string?>(null, "m1", "m2"), Gen.OneOf<string?>(null, "eu", "us"), Gen.OneOf<int?>(null, 4, 8),
            (machine, region, cores) => new ServerInfo(MachineName: machine, Region: region, CoreCount: cores));
        Property(
            EntityKind.Server,
            Gen.Frequency<EntityChange>(
                (5, Gen.Select(roles, Gen.Enum<ServerStatus>(), infos, (role, state, info) => (EntityChange)new ServerStateChanged(role, state, info))),
                (1, roles.Select(role => (EntityChange)new ServerSeen(role)))));
    }

    [Fact]
    public void GeneratedSessionLifecyclesAreOrderIndependent()
    {
        var participants = Gen.OneOf("p1", "p2", "p3");
        Property(
            EntityKind.Session,
            Gen.Frequency<EntityChange>(
                (2, Gen.Select(
                    Gen.Enum<SessionStatus>(), Gen.OneOf<string?>(null, "t1", "t2"), Gen.OneOf<string?>(null, "r1", "r2"), Gen.OneOf<string?>(null, "o1"),
                    (status, title, reason, organizer) => (EntityChange)new SessionStatusChanged(status, title, reason) { Organizer = organizer })),
                (4, Gen.Select(participants, Gen.Bool, Gen.OneOf<string?>(null, "A", "B"), (id, present, name) => (EntityChange)new ParticipantChanged(id, present, name))),
                (3, Gen.Select(
                    Gen.OneOf("c1", "c2"), Gen.Enum<ConnectionStatus>(), Gen.OneOf<string?>(null, "p1", "p2"),
                    (id, state, participant) => (EntityChange)new ConnectionChanged(id, state, participant))),
                (1, Gen.Select(
                    Gen.OneOf(EntityKind.Recording, EntityKind.Livestream, EntityKind.Session, EntityKind.Server), Gen.OneOf("x1", "x2"),
                    (kind, id) => (EntityChange)new SessionLinked(kind, id))),
                (1, Gen.Select(Gen.OneOf("chat", "snapshot"), Gen.OneOf<string?>(null, "u1", "u2"), (kind, url) => (EntityChange)new SessionArtefactAdded(kind, url))),
                (1, Gen.Const<EntityChange>(new SessionSeen()))));
    }

    [Fact]
    public void GeneratedRecordingLifecyclesAreOrderIndependent()
    {
        var details = Gen.Select(
            Gen.OneOf<DateTimeOffset?>(null, T0, T0.AddMinutes(1)), Gen.OneOf<long?>(null, 1000, 2000), Gen.OneOf<string?>(null, "u1", "u2"), Gen.OneOf<string?>(null, "why"),
            (started, duration, url, reason) => new RecordingDetails(StartedAt: started, DurationMs: duration, DownloadUrl: url, FailureReason: reason));
        Property(
            EntityKind.Recording,
            Gen.Select(
                Gen.Enum<RecordingStatus>(), Gen.OneOf<string?>(null, "A", "B"), Gen.OneOf<string?>(null, "s1", "s2"), Gen.Null(details, 0.25),
                (status, word, session, detail) => (EntityChange)new RecordingStatusChanged(status, word, session, detail)));
    }

    [Fact]
    public void GeneratedLivestreamLifecyclesAreOrderIndependent()
    {
        var settings = Gen.Select(
            Gen.OneOf<string?>(null, "720p", "1080p"), Gen.OneOf<int?>(null, 60, 300), Gen.OneOf<bool?>(null, true, false),
            (resolution, window, recording) => new LivestreamSettings(resolution, window, recording));
        Property(
            EntityKind.Livestream,
            Gen.Frequency<EntityChange>(
                (4, Gen.Select(
                    Gen.Enum<LivestreamStatus>(), Gen.OneOf("w1", "w2"), Gen.OneOf<string?>(null, "s1", "s2"), Gen.Null(settings, 0.5),
                    (status, word, session, stated) => (EntityChange)new LivestreamStatusChanged(status, word, session, stated))),
                (1, settings.Select(stated => (EntityChange)new LivestreamUpdated(stated))),
                (3, Gen.Select(
                    Gen.OneOf("t1", "t2"), Gen.Enum<SimulcastTargetStatus>(), Gen.OneOf<string?>(null, "u1", "u2"),
                    (id, status, url) => (EntityChange)new SimulcastTargetChanged(id, status, url))),
                (1, Gen.OneOf("a1", "a2").Select(id => (EntityChange)new LivestreamAssetCreated(id)))));
    }

    [Fact]
    public void GeneratedClientLifecyclesAreOrderIndependent()
    {
        var applications = Gen.OneOf("a1", "a2");
        var info = Gen.Select(Gen.OneOf<string?>(null, "eu", "us"), Gen.OneOf<string[]>([], ["host"], ["host", "guest"]),
            (region, roles) => new ClientInfo(Region: region, Roles: roles));
        Property(
            EntityKind.Client,
            Gen.Frequency<EntityChange>(
                (3, Gen.Select(applications, Gen.Bool, Gen.Null(info, 0.3), (application, registered, facts) => (EntityChange)new ClientRegistrationChanged(application, registered, facts))),
                (1, Gen.Select(applications, Gen.Null(info, 0.3), (application, facts) => (EntityChange)new ClientActive(application, facts)))));
    }

    [Fact]
    public void FlappingParticipantsStayOrderIndependentPastTheMarkBound()
    {
        var flapping = Gen.Select(Gen.OneOf("p1", "p2"), Gen.Bool, Gen.Int[0, 200], (id, present, at) => At(at, new ParticipantChanged(id, present)))
            .Array[SessionStateMachine.MaxMarksPerParticipant, 3 * SessionStateMachine.MaxMarksPerParticipant];

        flapping.SelectMany(events => Arrivals(events).Select(arrival => (events, arrival)))
            .Sample((events, arrival) => Assert.Equal(FinalJson(EntityKind.Session, events), FinalJson(EntityKind.Session, arrival)), iter: 30, print: Describe);
    }

    [Fact]
    public void ArtefactFloodsStayOrderIndependentPastTheBound()
    {
        var flood = Gen.Select(Gen.Int[0, 150], Gen.Int[0, 60], (url, at) => At(at, new SessionArtefactAdded("snapshot", $"u{url}")))
            .Array[SessionStateMachine.MaxArtefacts, SessionStateMachine.MaxArtefacts + 30];

        flood.SelectMany(events => Arrivals(events).Select(arrival => (events, arrival)))
            .Sample((events, arrival) => Assert.Equal(FinalJson(EntityKind.Session, events), FinalJson(EntityKind.Session, arrival)), iter: 10, print: Describe);
    }

    /// <summary>Lifecycles of up to 12 events over a few times (so that equal times are common), each checked in generated and other orders.</summary>
    private static void Property(EntityKind kind, Gen<EntityChange> changes)
    {
        var lifecycles = Gen.Select(changes, Gen.Int[0, 4], (change, slot) => At(slot * 10, change)).Array[1, 12];

        lifecycles.SelectMany(events => Arrivals(events).Select(arrival => (events, arrival)))
            .Sample(
                (events, arrival) =>
                {
                    var expected = FinalJson(kind, events);
                    Assert.Equal(expected, FinalJson(kind, arrival));
                    if (events.Length <= 4)
                    {
                        foreach (var order in Permutations(events))
                        {
                            Assert.Equal(expected, FinalJson(kind, order));
                        }
                    }
                },
                iter: Iterations,
                print: Describe);
    }

    /// <summary>The events in a random order, with up to as many random redeliveries mixed in.</summary>
    private static Gen<CanonicalEvent[]> Arrivals(CanonicalEvent[] events) =>
        Gen.Select(
            Gen.Int[0, events.Length - 1].Array[0, events.Length],
            Gen.Int.Array[2 * events.Length],
            (repeats, keys) => events
                .Concat(repeats.Select(i => events[i]))
                .Select((evt, i) => (evt, key: keys[i], i))
                .OrderBy(x => x.key)
                .ThenBy(x => x.i)
                .Select(x => x.evt)
                .ToArray());

    private static IEnumerable<CanonicalEvent[]> Permutations(CanonicalEvent[] events)
    {
        if (events.Length <= 1)
        {
            yield return events;
            yield break;
        }

        for (var i = 0; i < events.Length; i++)
        {
            var rest = events.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [events[i], .. tail];
            }
        }
    }

    private static string Describe(CanonicalEvent[] events) =>
        string.Join("\n", events.Select(e => $"{(e.OccurredAt - T0).TotalSeconds,6} {e.DedupeKey[..Math.Min(24, e.DedupeKey.Length)],-24} {e.Change}"));

    private static string Describe((CanonicalEvent[] Events, CanonicalEvent[] Arrival) sample) =>
        $"ordered:\n{Describe(sample.Events)}\narrival:\n{Describe(sample.Arrival)}";
}
