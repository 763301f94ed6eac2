using Sessions.Simulator.Traffic;
using Sessions.Simulator.Verification;

namespace Sessions.Simulator.Tests;

/// <summary>The run's model of final states follows the service's rules, whatever order the facts arrive in.</summary>
public sealed class ExpectedStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheLatestEventDecidesAServerOrSession()
    {
        var counts = Fold(
            Fact(EntityKinds.Server, "s1", "stopped", 2),
            Fact(EntityKinds.Server, "s1", "started", 3),
            Fact(EntityKinds.Server, "s1", "registered", 1),
            Fact(EntityKinds.Session, "c1", "ended", 5),
            Fact(EntityKinds.Session, "c1", "active", 1));

        Assert.Equal(1, counts[(EntityKinds.Server, Providers.LiveSwitch, "started")]);
        Assert.Equal(1, counts[(EntityKinds.Session, Providers.LiveSwitch, "ended")]);
    }

    [Fact]
    public void ARecordingGoesByRankSoALateUploadingKeepsItReady()
    {
        var counts = Fold(
            Fact(EntityKinds.Recording, "r1", "ready", 1),
            Fact(EntityKinds.Recording, "r1", "uploading", 9),
            Fact(EntityKinds.Recording, "r2", "ready", 1),
            Fact(EntityKinds.Recording, "r2", "failed", 0));

        Assert.Equal(1, counts[(EntityKinds.Recording, Providers.LiveSwitch, "ready")]);
        Assert.Equal(1, counts[(EntityKinds.Recording, Providers.LiveSwitch, "failed")]);
    }

    [Fact]
    public void ADeletedLivestreamStaysDeletedAndATieGoesToTheEndOfTheBroadcast()
    {
        var counts = Fold(
            Fact(EntityKinds.Livestream, "l1", "deleted", 1),
            Fact(EntityKinds.Livestream, "l1", "live", 5),
            Fact(EntityKinds.Livestream, "l2", "live", 3),
            Fact(EntityKinds.Livestream, "l2", "idle", 3));

        Assert.Equal(1, counts[(EntityKinds.Livestream, Providers.LiveSwitch, "deleted")]);
        Assert.Equal(1, counts[(EntityKinds.Livestream, Providers.LiveSwitch, "idle")]);
    }

    [Fact]
    public void AnEntityNamedOnlyWithoutAStatusIsInItsFirstStatus()
    {
        var counts = Fold(
            Fact(EntityKinds.Session, "c1", null, 1),
            Fact(EntityKinds.Client, "k1", null, 1));

        Assert.Equal(
            new Dictionary<(string, string, string), int>
            {
                [(EntityKinds.Session, Providers.LiveSwitch, "active")] = 1,
                [(EntityKinds.Client, Providers.LiveSwitch, "registered")] = 1,
            },
            counts);
    }

    [Fact]
    public void AClientUnregisteredAtTheTimeOfItsRegistrationCountsAsUnregistered()
    {
        var counts = Fold(Fact(EntityKinds.Client, "k1", "unregistered", 5), Fact(EntityKinds.Client, "k1", "registered", 5));

        Assert.Equal(new Dictionary<(string, string, string), int> { [(EntityKinds.Client, Providers.LiveSwitch, "unregistered")] = 1 }, counts);
    }

    [Fact]
    public void EachEntityNamesItsStatusAndEveryDistinctEventOnceOldestFirst()
    {
        var expected = new ExpectedState();
        var joined = Fact(EntityKinds.Session, "c1", null, 2);
        var started = Fact(EntityKinds.Session, "c1", "active", 1);
        expected.Apply([joined]);
        expected.Apply([started]);
        expected.Apply([joined]);

        var entity = Assert.Single(expected.Entities());

        Assert.Equal((EntityKinds.Session, Providers.LiveSwitch, "c1", "active"), (entity.Kind, entity.Provider, entity.Id, entity.Status));
        Assert.Equal([started, joined], entity.Events);
    }

    private static EntityFact Fact(string kind, string id, string? status, int second) =>
        new(kind, Providers.LiveSwitch, id, status, T0.AddSeconds(second), $"{kind}.{status ?? "updated"}");

    private static IReadOnlyDictionary<(string Kind, string Provider, string Status), int> Fold(params EntityFact[] facts)
    {
        var expected = new ExpectedState();
        foreach (var fact in facts)
        {
            expected.Apply([fact]);
        }

        return expected.Counts();
    }
}
