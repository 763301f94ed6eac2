using Sessions.Abstractions.Entities;
using Sessions.Webhooks.Events;

namespace Sessions.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class EntityGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task UnknownEntityHasNoSnapshot()
    {
        var grain = fixture.Grains.Get(EntityKind.Session, "dyte", $"s-{Guid.NewGuid():N}");

        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task AppliedEventsComeBackInTheSnapshotAndARetryIsADuplicate()
    {
        var id = $"gw-{Guid.NewGuid():N}";
        var grain = fixture.Grains.Get(EntityKind.Server, "liveswitch", id);
        var started = Events.Server(id, ServerState.Started, 0);

        Assert.Equal(TransitionOutcome.Applied, await grain.ApplyAsync(started));
        Assert.Equal(TransitionOutcome.Applied, await grain.ApplyAsync(Events.Server(id, ServerState.Registered, 5)));
        Assert.Equal(TransitionOutcome.Duplicate, await grain.ApplyAsync(started));

        var snapshot = await grain.GetAsync();
        Assert.NotNull(snapshot);
        Assert.Equal((EntityKind.Server, "liveswitch", id), (snapshot.Kind, snapshot.Provider, snapshot.Id));
        Assert.Equal(["gateway.started", "gateway.registered"], snapshot.Timeline.Select(e => e.Type));
    }
}
