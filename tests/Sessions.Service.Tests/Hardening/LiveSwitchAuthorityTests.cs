using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests.Hardening;

/// <summary>
/// The LiveSwitch token admits the deployment's server events only; anything that moves a session, client, recording
/// or livestream needs the application's signature, and two applications' channels of one name are two sessions.
/// </summary>
public sealed class LiveSwitchAuthorityTests(LiveSwitchAuthorityTests.TwoApplicationsApi api) : IClassFixture<LiveSwitchAuthorityTests.TwoApplicationsApi>
{
    private const string SecondApplication = "second-app";
    private const string SecondSecret = "second-app-secret-0123456789abcdef";

    /// <summary>The LiveSwitch source with a second application's secret beside the fixtures' one.</summary>
    public sealed class TwoApplicationsApi : KestrelApi
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            ArgumentNullException.ThrowIfNull(settings);
            settings[$"Webhooks:Sources:liveswitch:ApplicationSecrets:{SecondApplication}"] = SecondSecret;
        }
    }

    [Theory]
    [InlineData("""{"type":"channel.activated","timestamp":1718000061000,"channel":{"id":"forged-room"}}""")]
    [InlineData("""{"type":"connection.connected","timestamp":1718000061000,"connection":{"id":"k1","channelId":"forged-room","clientId":"c1"}}""")]
    [InlineData("""[{"type":"gateway.started","gateway":{"id":"g-forged"}},{"type":"channel.activated","channel":{"id":"forged-room"}}]""")]
    public async Task TokenAloneCannotMoveASessionAndGets401(string json)
    {
        var before = await api.CountStoredAsync();

        using var response = await api.PostAsync("liveswitch", TestSources.Request(Encoding.UTF8.GetBytes(json), queryToken: TestSources.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Contains("X-ApplicationSignature", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await api.CountStoredAsync());
        using var session = await api.Client.SendAsync(KestrelApi.Api(HttpMethod.Get, "/api/sessions/liveswitch/forged-room"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, session.StatusCode);
        Assert.Equal(200, await api.ReadyStatusAsync());
    }

    [Fact]
    public async Task TokenStillAdmitsServerEvents()
    {
        using var response = await api.PostAsync("liveswitch", TestSources.FixtureRequest(FixtureFiles.Get("liveswitch/01-gateway.started.json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SameChannelIdInTwoApplicationsIsTwoSessions()
    {
        await PostSignedAsync(TestSources.LiveSwitchApplication, TestSources.LiveSwitchSecret, "channel.activated");
        await PostSignedAsync(SecondApplication, SecondSecret, "channel.activated");
        await PostSignedAsync(SecondApplication, SecondSecret, "channel.deactivated");

        Assert.Equal("active", await StatusAsync($"{TestSources.LiveSwitchApplication}:shared-room"));
        Assert.Equal("ended", await StatusAsync($"{SecondApplication}:shared-room"));
    }

    private async Task PostSignedAsync(string application, string secret, string type)
    {
        var body = Encoding.UTF8.GetBytes(
            $$$"""{"type":"{{{type}}}","timestamp":{{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}},"channel":{"id":"shared-room","applicationId":"{{{application}}}"}}""");
        var headers = new Dictionary<string, string> { ["X-ApplicationSignature"] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)) };
        using var response = await api.PostAsync("liveswitch", TestSources.Request(body, headers));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string?> StatusAsync(string id)
    {
        using var response = await api.Client.SendAsync(KestrelApi.Api(HttpMethod.Get, $"/api/sessions/liveswitch/{Uri.EscapeDataString(id)}"), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"session {id}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("status").GetString();
    }
}
