using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Sessions.Grains.Entities;
using Sessions.Grains.Servers;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>
/// One process on the embedded SQLite file (the default), SIGKILLed while webhooks pour in: after a restart every
/// acknowledged event is on its entity's timeline. A 2xx means durably stored, group commit or not.
/// </summary>
public sealed class SqliteCrashTests
{
    private const string ApiKey = "crash-key";
    /// <summary>Enough that no server hears more events in the run than its timeline keeps (at 2,500 a second, 25 each).</summary>
    private const int Servers = 400;
    private const int Senders = 16;
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EveryAcknowledgedEventSurvivesASigkillUnderLoad()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("sqlite-crash");
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = folder.SqliteConnectionString,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Api:Keys:0"] = ApiKey,
            ["Webhooks:Sources:liveswitch:Kind"] = "liveswitch",
            ["Webhooks:Sources:liveswitch:Token"] = TestSources.Token,
        };
        var acknowledged = new ConcurrentBag<(string Server, string Type, long At)>();
        await using (var service = ServiceProcess.Start(settings))
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var (server, type, at) = ($"ms-{(sender * 7 + n) % Servers}", n % 5 == 0 ? "mediaserver.registered" : "mediaserver.stats",
                        Start.AddMilliseconds((n * Senders) + sender).ToUnixTimeMilliseconds());
                    try
                    {
                        using var content = new StringContent(Body(server, type, at), Encoding.UTF8, "application/json");
                        using var answer = await service.Http.PostAsync($"/webhooks/liveswitch?token={TestSources.Token}", content, CancellationToken.None);
                        if (answer.StatusCode is HttpStatusCode.OK)
                        {
                            acknowledged.Add((server, type, at));
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the process is gone
                    }
                }
            }, CancellationToken.None)).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
            await service.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        Assert.NotEmpty(acknowledged);
        await using var restarted = ServiceProcess.Start(settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
        restarted.Http.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        foreach (var server in acknowledged.GroupBy(a => a.Server))
        {
            // A timeline keeps the latest MaxTimeline events: past that, older ones leave it by design, not by loss.
            Assert.True(server.Count() < EntityRecord<ServerState>.MaxTimeline, $"{server.Key} heard {server.Count()} events: raise Servers");
            var json = await restarted.Http.GetStringAsync($"/api/servers/liveswitch/{server.Key}", cancellationToken);
            using var document = JsonDocument.Parse(json);
            var timeline = document.RootElement.GetProperty("timeline").EnumerateArray()
                .Select(e => (e.GetProperty("type").GetString(), e.GetProperty("at").GetDateTimeOffset().ToUnixTimeMilliseconds()))
                .ToHashSet();
            var missing = server.Where(a => !timeline.Contains((a.Type, a.At))).ToList();
            Assert.True(missing.Count == 0, $"{server.Key}: {missing.Count} of {server.Count()} acknowledged events lost");
        }
    }

    private static string Body(string server, string type, long at) =>
        $$$"""{"timestamp":{{{at}}},"origin":"mediaserver","type":"{{{type}}}","mediaserver":{"id":"{{{server}}}","machineName":"{{{server}}}","coreCount":8}}""";
}
