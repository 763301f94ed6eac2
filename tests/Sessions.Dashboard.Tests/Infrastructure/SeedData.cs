using Sessions.Testing.Webhooks;

namespace Sessions.Dashboard.Tests.Infrastructure;

/// <summary>One demo server and the lifecycle verb it ends on.</summary>
public sealed record DemoServer(string Id, string Role, string Region, string LastVerb)
{
    /// <summary>Health as the service derives it for a server that was registered and then got <see cref="LastVerb"/>.</summary>
    public string Health => LastVerb switch
    {
        "registered" => "healthy",
        "stopped" => "offline",
        "unregistered" => "down",
        _ => "degraded",
    };
}

/// <summary>
/// What the dashboard tests look at: every shared provider fixture, replayed over HTTP with its signing headers, plus a
/// small fleet and a few live sessions from a <c>standard</c> source (provider <c>acme</c>) so that grouping by role and
/// region, active sessions and the badges have something to show.
/// </summary>
public static class SeedData
{
    public const string DemoProvider = "acme";

    /// <summary>
    /// The fixtures' three LiveSwitch servers: machine name, final state, health. The muxer only started, in 2024: by the
    /// tracker's clock it has been silent far longer than <c>Fleet:SilentAfter</c>.
    /// </summary>
    public static readonly (string Machine, string State, string Health)[] FixtureServers =
    [
        ("LS-GW-01", "stopped", "offline"),
        ("LS-MS-01", "unregistered", "down"),
        ("LS-MUX-01", "started", "down"),
    ];

    public static readonly DemoServer[] DemoServers =
    [
        new("gw-eu-1", "gateway", "eu-west", "registered"),
        new("gw-eu-2", "gateway", "eu-west", "registered"),
        new("ms-eu-1", "mediaserver", "eu-west", "registered"),
        new("ms-eu-2", "mediaserver", "eu-west", "registered"),
        new("ms-eu-3", "mediaserver", "eu-west", "registered"),
        new("mux-eu-1", "recordingmuxer", "eu-west", "registered"),
        new("gw-us-1", "gateway", "us-east", "registered"),
        new("ms-us-1", "mediaserver", "us-east", "registered"),
        new("ms-us-2", "mediaserver", "us-east", "unregistered"),
        new("sip-us-1", "sipconnector", "us-east", "registered"),
        new("ms-ap-1", "mediaserver", "ap-south", "stopped"),
    ];

    /// <summary>Demo sessions: id, title, participants (the last one of the town hall leaves again).</summary>
    public static readonly (string Id, string Title, string[] People)[] DemoSessions =
    [
        ("standup", "Daily stand-up", ["Ana", "Ben", "Chloé", "Dev"]),
        ("sales-42", "Sales demo: Northwind", ["Erin", "Farid"]),
        ("town-hall", "Q3 town hall", ["Gus", "Hana", "Ivo", "Jun", "Kai", "Lea"]),
    ];

    /// <summary>Sends every fixture and the demo events; message ids are fixed, so sending twice changes nothing.</summary>
    public static async Task SendAsync(DashboardHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        foreach (var fixture in FixtureFiles.All)
        {
            await host.PostAsync(fixture.Kind, TestSources.FixtureRequest(fixture));
        }

        var now = DateTimeOffset.UtcNow;
        var n = 0;
        Task Send(string type, double minutesAgo, object data) =>
            host.PostAsync(StandardWebhooks.Source, StandardWebhooks.Event(type, now.AddMinutes(-minutesAgo), data, $"msg_demo_{++n:D4}"));

        for (var i = 0; i < DemoServers.Length; i++)
        {
            var s = DemoServers[i];
            var details = new { provider = DemoProvider, id = s.Id, role = s.Role, region = s.Region, machineName = s.Id.ToUpperInvariant(), version = "2.4.1" };
            await Send("server.started", 55 - i, details);
            await Send("server.registered", 54 - i, details);
            if (s.LastVerb != "registered")
            {
                await Send($"server.{s.LastVerb}", 3 + (i % 7), details);
            }
        }

        for (var i = 0; i < DemoSessions.Length; i++)
        {
            var (id, title, people) = DemoSessions[i];
            await Send("session.started", 30 - (i * 8), new { provider = DemoProvider, id, title });
            for (var k = 0; k < people.Length; k++)
            {
                await Send("participant.joined", 29 - (i * 8) - k, new { provider = DemoProvider, id, participantId = $"{id}-p{k}", name = people[k] });
            }
        }

        await Send("participant.left", 2, new { provider = DemoProvider, id = "town-hall", participantId = "town-hall-p5" });
        await Send("recording.status", 20, new { provider = DemoProvider, id = "rec-standup", status = "recording", sessionId = "standup" });
        await Send("recording.status", 9, new { provider = DemoProvider, id = "rec-sales", status = "failed", sessionId = "sales-42", failureReason = "storage bucket refused the upload (403)" });
        await Send("livestream.status", 14, new { provider = DemoProvider, id = "ls-town-hall", status = "live", sessionId = "town-hall" });
    }
}
