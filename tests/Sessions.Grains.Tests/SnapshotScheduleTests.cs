using CsCheck;
using Sessions.Abstractions.Entities;
using Sessions.Grains.Entities;

namespace Sessions.Grains.Tests;

public sealed class SnapshotScheduleTests
{
    [Fact]
    public void AnEntityHasASnapshotWithinSnapshotEveryEntriesOfTheLastOneAndItsFirstBetweenHalfAndOneAndAHalfTimesThat()
    {
        Gen.Select(Gen.String, Gen.Int[1, 500], Gen.Frequency((1, Gen.Const(0L)), (3, Gen.Long[0, 1_000_000]))).Sample((key, every, stored) =>
        {
            // From a stored snapshot (an activation), versions rise one by one; a snapshot is taken wherever one is due.
            var phase = SnapshotSchedule.Phase(key, every);
            var taken = new List<long>();
            var snapshot = stored;
            for (var version = stored + 1; version <= stored + (3 * every); version++)
            {
                if (SnapshotSchedule.Due(snapshot, version, phase, every))
                {
                    taken.Add(version);
                    snapshot = version;
                }
            }

            Assert.InRange(phase, 0, every - 1);
            Assert.InRange(taken[0] - Math.Max(stored, (every / 2) - 1), 1, every);
            Assert.All(taken.Zip(taken.Skip(1)), pair => Assert.Equal(every, pair.Second - pair.First));
        });
    }

    [Fact]
    public void AFleetThatStartedTogetherSpreadsItsSnapshotsOverSnapshotEveryVersions()
    {
        const int Every = 200;
        var firsts = Enumerable.Range(0, 5_000)
            .Select(i => SnapshotSchedule.Phase(EntityKey.Of("liveswitch", $"media-server-{i}"), Every))
            .Select(phase => Enumerable.Range(1, 2 * Every).First(version => SnapshotSchedule.Due(0, version, phase, Every)))
            .ToList();

        // From the 100th event to the 299th, 25 servers a version if even: none may hold a crowd, nearly every version
        // gets some (and so every later point, each 200 further on), and an entity that hears fewer than 100 events
        // never writes a snapshot.
        Assert.All(firsts, version => Assert.InRange(version, Every / 2, (3 * Every / 2) - 1));
        Assert.InRange(firsts.GroupBy(version => version).Max(g => g.Count()), 1, 60);
        Assert.InRange(firsts.Distinct().Count(), 190, Every);
    }
}
