using Microsoft.Extensions.DependencyInjection;
using Sessions.Abstractions.Entities;
using Sessions.Canonical;
using Sessions.Testing;
using Sessions.Testing.Hosting;

namespace Sessions.Service.Tests;

public sealed class SqlitePersistenceTests
{
    [Fact]
    public async Task GrainStateWrittenBeforeARestartReadsBackAfterIt()
    {
        using var folder = new TempDirectory("restart");
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "sqlite",
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
        };
        var id = $"gw-{Guid.NewGuid():N}";
        var started = new CanonicalEvent
        {
            Type = "gateway.started",
            Provider = "liveswitch",
            Kind = EntityKind.Server,
            EntityId = id,
            OccurredAt = DateTimeOffset.Parse("2024-06-10T06:13:20Z", System.Globalization.CultureInfo.InvariantCulture),
            DedupeKey = $"liveswitch:{id}:started",
            Change = new ServerStateChanged("gateway", ServerStatus.Started),
        };

        Sessions.Abstractions.Servers.ServerSnapshot? before;
        await using (var first = new SessionsApiFactory(settings))
        {
            var grains = first.Services.GetRequiredService<IGrainFactory>();
            Assert.Equal(TransitionOutcome.Applied, await grains.Get(EntityKind.Server, "liveswitch", id).ApplyAsync(started));
            before = await grains.GetGrain<IServerGrain>(EntityKey.Of("liveswitch", id)).GetAsync();
        }

        await using var second = new SessionsApiFactory(settings);
        var after = await second.Services.GetRequiredService<IGrainFactory>().GetGrain<IServerGrain>(EntityKey.Of("liveswitch", id)).GetAsync();

        Assert.NotNull(before);
        Assert.NotNull(after);
        Assert.Equal(before.Timeline, after.Timeline);
        Assert.Equal(ServerStatus.Started, after.State);
        Assert.Equal(TransitionOutcome.Duplicate,
            await second.Services.GetRequiredService<IGrainFactory>().Get(EntityKind.Server, "liveswitch", id).ApplyAsync(started));
    }
}
