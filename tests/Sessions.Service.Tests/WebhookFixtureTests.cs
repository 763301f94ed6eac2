using System.Net;
using System.Net.Http.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Service.Webhooks;
using Sessions.Testing.Webhooks;
using Sessions.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>Every shared fixture over HTTP: accepted once, a duplicate the second time, refused when tampered with.</summary>
public sealed class WebhookFixtureTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>
{
    public static TheoryData<string> Fixtures => [.. FixtureFiles.All.Select(f => f.Id)];

    /// <summary>Fixtures authenticated by a signature over the body (token-only deliveries have none to break).</summary>
    public static TheoryData<string> SignedFixtures =>
        [.. FixtureFiles.All.Where(f => TestSources.FixtureRequest(f).QueryToken is null).Select(f => f.Id)];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task FixtureIsAppliedOnceAndADuplicateTheSecondTime(string id)
    {
        var fixture = FixtureFiles.Get(id);
        var request = TestSources.FixtureRequest(fixture);

        var first = await AnswerAsync(await api.PostAsync(fixture.Kind, request));
        var second = await AnswerAsync(await api.PostAsync(fixture.Kind, request));

        Assert.NotEmpty(first.Events);
        // First delivery in file order, not lifecycle order: an event older than what the entity knows is "stale".
        Assert.All(first.Events, e => Assert.True(e.Outcome is "applied" or "stale" or "ignored", $"{e.Type}: {e.Outcome}"));
        Assert.Equal(first.Events.Select(e => (e.Type, e.Entity)), second.Events.Select(e => (e.Type, e.Entity)));
        Assert.All(second.Events, e => Assert.True(e.Outcome is "duplicate" or "ignored", $"{e.Type}: {e.Outcome}"));
        Assert.Equal(first.Events.Count(e => e.Outcome != "ignored"), second.Events.Count(e => e.Outcome == "duplicate"));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task FixtureWithAWrongSecretOrTokenIsRefusedAndStoresNothing(string id)
    {
        var fixture = FixtureFiles.Get(id);
        var before = await api.CountStoredAsync();

        var response = await api.PostAsync("wrong-" + fixture.Kind, TestSources.FixtureRequest(fixture));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await api.CountStoredAsync());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task FixtureWithoutItsSignatureOrTokenIsRefused(string id)
    {
        var fixture = FixtureFiles.Get(id);

        var response = await api.PostAsync(fixture.Kind, TestSources.Request(fixture.Body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(SignedFixtures))]
    public async Task SignedFixtureWithOneByteChangedIsRefused(string id)
    {
        var fixture = FixtureFiles.Get(id);
        var request = TestSources.FixtureRequest(fixture);
        var body = fixture.Body.ToArray();
        var at = Array.IndexOf(body, (byte)':');
        body[at + 2] ^= 0x01;

        var response = await api.PostAsync(fixture.Kind, request with { Body = body });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<WebhookAnswer> AnswerAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        return (await response.Content.ReadFromJsonAsync<WebhookAnswer>(TestContext.Current.CancellationToken))!;
    }
}
