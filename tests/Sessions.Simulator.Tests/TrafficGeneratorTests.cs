using Sessions.Simulator.Traffic;

namespace Sessions.Simulator.Tests;

/// <summary>The plan: deterministic per seed and run, unique ids per run, the requested mess, every lifecycle covered.</summary>
public sealed class TrafficGeneratorTests
{
    [Fact]
    public void TheSameOptionsGiveTheSameDeliveries()
    {
        var again = new TrafficGenerator(SampleTraffic.Options).Plan().Take(SampleTraffic.Count).ToList();

        Assert.Equal(SampleTraffic.Count, again.Count);
        foreach (var (first, second) in SampleTraffic.Deliveries.Zip(again))
        {
            Assert.Equal((first.Sequence, first.At, first.Kind), (second.Sequence, second.At, second.Kind));
            Assert.Equal((first.Event.Provider, first.Event.Type, first.Event.Source, first.Event.Token), (second.Event.Provider, second.Event.Type, second.Event.Source, second.Event.Token));
            Assert.Equal(first.Event.Body.ToArray(), second.Event.Body.ToArray());
            Assert.Equal(first.Event.Headers, second.Event.Headers);
            Assert.Equal(first.Event.Facts, second.Event.Facts);
        }
    }

    [Fact]
    public void AnotherSeedOrRunGivesOtherTrafficWithOtherIds()
    {
        var sample = EntityIds(SampleTraffic.Deliveries);
        foreach (var other in new[] { SampleTraffic.Options with { Seed = 43 }, SampleTraffic.Options with { RunId = "other" } })
        {
            var deliveries = new TrafficGenerator(other).Plan().Take(500).ToList();

            Assert.All(EntityIds(deliveries), id => Assert.StartsWith(other.IdPrefix, id, StringComparison.Ordinal));
            Assert.Empty(EntityIds(deliveries).Intersect(sample));
        }
    }

    [Fact]
    public void EveryEntityIdCarriesTheRunPrefix()
    {
        Assert.All(EntityIds(SampleTraffic.Deliveries), id => Assert.StartsWith("sim42-sample-", id, StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicatesRepeatAnEarlierDeliveryByteForByte()
    {
        var deliveries = SampleTraffic.Deliveries;
        var duplicates = deliveries.Where(d => d.Kind == DeliveryKind.Duplicate).ToList();

        Assert.InRange(duplicates.Count, SampleTraffic.Count * 0.03, SampleTraffic.Count * 0.07);
        Assert.All(duplicates, duplicate => Assert.Contains(deliveries.Take(duplicate.Sequence), d => d.Kind != DeliveryKind.Duplicate && ReferenceEquals(d.Event, duplicate.Event)));
        // Dyte's idempotency key is the dyte-uuid header: one per event, so a retry carries the original's.
        var uuids = deliveries.Where(d => d.Kind != DeliveryKind.Duplicate && d.Event.Provider == Providers.Dyte)
            .Select(d => d.Event.Headers.Single(h => h.Key == "dyte-uuid").Value).ToList();
        Assert.Equal(uuids.Count, uuids.Distinct().Count());
    }

    [Fact]
    public void LateDeliveriesAreOlderThanTheEventSentBeforeThem()
    {
        var deliveries = SampleTraffic.Deliveries;
        var late = deliveries.Where(d => d.Kind == DeliveryKind.Late && d.Event.Facts.Count > 0 && deliveries[d.Sequence - 1].Event.Facts.Count > 0).ToList();

        Assert.InRange(late.Count, SampleTraffic.Count * 0.02, SampleTraffic.Count * 0.07);
        Assert.All(late, d => Assert.True(d.Event.Facts[0].At < deliveries[d.Sequence - 1].Event.Facts[0].At, $"delivery {d.Sequence} is not older than the one before"));
        // Most swaps are within one entity: older news about it arrives after newer.
        Assert.True(late.Count(d => deliveries[d.Sequence - 1].Event.Facts.Any(f => f.Id == d.Event.Facts[0].Id)) > late.Count / 2);
    }

    [Fact]
    public void InOrderEventTimesFollowThePlannedSendTimesAndNeverRepeat()
    {
        var start = SampleTraffic.Options.Start;
        var inOrder = SampleTraffic.Deliveries.Where(d => d.Kind == DeliveryKind.InOrder).ToList();

        Assert.All(inOrder.SelectMany(d => d.Event.Facts.Select(f => (Planned: d.At, Event: f.At))),
            times => Assert.InRange(times.Event - start - times.Planned, TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(100)));
        var times = SampleTraffic.Deliveries.Where(d => d.Kind != DeliveryKind.Duplicate)
            .SelectMany(d => d.Event.Facts.Select(f => f.At).Distinct()).ToList();
        Assert.Equal(times.Count, times.Distinct().Count());
    }

    [Fact]
    public void EachProviderGetsItsShareOfTheMix()
    {
        var byProvider = SampleTraffic.Deliveries.GroupBy(d => d.Event.Provider).ToDictionary(g => g.Key, g => (double)g.Count() / SampleTraffic.Count);

        Assert.InRange(byProvider[Providers.LiveSwitch], 0.35, 0.45);
        Assert.InRange(byProvider[Providers.Dyte], 0.25, 0.35);
        Assert.InRange(byProvider[Providers.FastPix], 0.25, 0.35);
        var onlyDyte = new TrafficGenerator(SampleTraffic.Options with { Mix = TrafficMix.Parse("dyte=1") }).Plan().Take(200);
        Assert.All(onlyDyte, d => Assert.Equal(Providers.Dyte, d.Event.Provider));
    }

    [Fact]
    public void TheTrafficCoversEveryLifecycle()
    {
        var facts = SampleTraffic.Facts.ToList();
        var types = SampleTraffic.Deliveries.Select(d => d.Event.Type).ToHashSet();

        Assert.Superset(Set("started", "registered", "unregistered", "stopped"), Statuses(facts, EntityKinds.Server));
        Assert.Contains(facts.Where(f => f.Kind == EntityKinds.Server && f.Status == "started").GroupBy(f => f.Id), restarts => restarts.Count() > 1);
        Assert.Superset(Set("active", "ended"), Statuses(facts, EntityKinds.Session));
        Assert.Superset(Set("pending", "recording", "uploading", "ready", "failed"), Statuses(facts, EntityKinds.Recording));
        Assert.Superset(Set("idle", "preparing", "connected", "live", "disconnected", "deleted"), Statuses(facts, EntityKinds.Livestream));
        Assert.Superset(
            Set(
                "connection.initializing+connection.connecting", "connection.connected", "connection.failed", "connection.closed",
                "channel.client.joined", "channel.client.left", "client.registered", "channel.recording.ready",
                "meeting.participantJoined", "meeting.participantLeft", "meeting.transcript", "meeting.chatSynced",
                "video.live_stream.simulcast_target.created", "video.live_stream.simulcast_target.starting",
                "video.live_stream.simulcast_target.broadcasting", "video.live_stream.simulcast_target.deleted",
                "video.live_stream.recording", "video.live_stream.updated", "video.media.created"),
            types);
        Assert.Contains(SampleTraffic.Deliveries, d => d.Event.Token == SampleTraffic.Options.Secrets.LiveSwitchServerToken && d.Event.Headers.Count == 0);
    }

    /// <summary>Every entity id the traffic names, LiveSwitch channels without the application that scopes them.</summary>
    private static HashSet<string> EntityIds(IEnumerable<PlannedDelivery> deliveries) =>
        [.. deliveries.SelectMany(d => d.Event.Facts).Select(f => f.Id.StartsWith(ApplicationScope, StringComparison.Ordinal) ? f.Id[ApplicationScope.Length..] : f.Id)];

    private static string ApplicationScope => new ProviderSecrets().LiveSwitchApplicationId + ":";

    private static HashSet<string> Set(params string[] items) => [.. items];

    private static HashSet<string> Statuses(IEnumerable<EntityFact> facts, string kind) =>
        [.. facts.Where(f => f.Kind == kind && f.Status is not null).Select(f => f.Status!)];
}
