using Microsoft.Extensions.DependencyInjection;
using Sessions.Abstractions.Entities;
using Sessions.Abstractions.Sessions;
using Sessions.Canonical;
using Sessions.Service.Queries;
using Sessions.Testing;
using Sessions.Testing.Hosting;

namespace Sessions.Service.Tests;

/// <summary>
/// Retention as the silo runs it: the sweep finds finished entities in the index shards and has each remove itself,
/// from storage and from the lists, while unfinished ones stay.
/// </summary>
public sealed class RetentionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EndedSessionsPastRetentionAreRemovedAndActiveOnesStay_SilenceEndsSessionsForRetentionToo()
    {
        using var folder = new TempDirectory("retention");
        await using var service = new SessionsApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "sqlite",
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
            ["Retention:Finished"] = "00:00:00",
            ["Retention:SweepInterval"] = "00:00:00.2",
        });
        var grains = service.Services.GetRequiredService<IGrainFactory>();
        var index = service.Services.GetRequiredService<IndexReader>();
        var provider = "retain" + Guid.NewGuid().ToString("N")[..8];

        // More than the sweep asks to expire at once, spread over the shards.
        var ended = Enumerable.Range(0, 30).Select(i => $"ended-{i:00}").ToList();
        await Task.WhenAll(ended.Select(async id =>
        {
            var grain = grains.Get(EntityKind.Session, provider, id);
            await grain.ApplyAsync(Session(provider, id, SessionStatus.Active, 0));
            await grain.ApplyAsync(Session(provider, id, SessionStatus.Ended, 60));
        }));
        // Active and silent for months (T0 is long past): ended by the tracker's clock, so retention removes it too.
        ended.Add("silent");
        await grains.Get(EntityKind.Session, provider, "silent").ApplyAsync(Session(provider, "silent", SessionStatus.Active, 0));
        await grains.Get(EntityKind.Session, provider, "live").ApplyAsync(Session(provider, "live", SessionStatus.Active, 0) with { OccurredAt = DateTimeOffset.UtcNow });

        var listed = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        do
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            var page = await index.ListAsync<SessionSnapshot>(null, provider, null, null, 100);
            listed = [.. page.Items.Select(s => s.Id)];
        }
        while (DateTime.UtcNow < deadline && !listed.SequenceEqual(["live"]));

        Assert.True(listed.SequenceEqual(["live"]), $"sessions of {provider} still listed 20 s after they ended: {string.Join(", ", listed)}");
        foreach (var id in ended)
        {
            Assert.Null(await grains.GetGrain<ISessionGrain>(EntityKey.Of(provider, id)).GetAsync());
        }

        Assert.NotNull(await grains.GetGrain<ISessionGrain>(EntityKey.Of(provider, "live")).GetAsync());
    }

    private static CanonicalEvent Session(string provider, string id, SessionStatus status, int secondsAfterT0) => new()
    {
        Type = status is SessionStatus.Active ? "session.started" : "session.ended",
        Provider = provider,
        Kind = EntityKind.Session,
        EntityId = id,
        OccurredAt = T0.AddSeconds(secondsAfterT0),
        DedupeKey = $"{provider}:{id}:{status}",
        Change = new SessionStatusChanged(status),
    };
}
