using System.Globalization;
using System.Text;
using System.Text.Json;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests.Hardening;

/// <summary>
/// The body limit holds whatever the framing: a body over <c>Webhooks:MaxBodyBytes</c> is 413 whether it comes with a
/// Content-Length or chunked, over a raw socket, and nothing is stored.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class BodyFramingTests(BodyFramingTests.SmallLimitApi api) : IClassFixture<BodyFramingTests.SmallLimitApi>
{
    private const int Limit = 16 * 1024;

    private static readonly byte[] Active = FixtureFiles.Get("fastpix/05-video.live_stream.active.json").Body;

    /// <summary>The service with a 16 KiB body limit, so the framings around it are quick to send.</summary>
    public sealed class SmallLimitApi : KestrelApi
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            ArgumentNullException.ThrowIfNull(settings);
            settings["Webhooks:MaxBodyBytes"] = Limit.ToString(CultureInfo.InvariantCulture);
        }
    }

    [Theory]
    [InlineData("fastpix")]
    [InlineData("liveswitch")]
    [InlineData("eyeson-streamrec")]
    public async Task ChunkedBodyOverTheLimitGets413AndIsCountedAsTooLarge(string kind)
    {
        var before = await api.CountStoredAsync();
        var (_, request) = TestSources.Authenticated(kind, Padded(FixtureFiles.All.First(f => f.Kind == kind).Body, 3 * Limit), DateTimeOffset.UtcNow);

        var answer = await api.SendRawAsync(Head(kind, request.Headers, chunked: true), KestrelApi.Chunked(request.Body.ToArray(), 4096));

        Assert.Equal(413, answer.Status);
        Assert.Contains(Limit.ToString(CultureInfo.InvariantCulture), Detail(answer), StringComparison.Ordinal);
        Assert.Equal(before, await api.CountStoredAsync());
        Assert.Equal(200, await api.ReadyStatusAsync());
        using var scrape = await api.Client.SendAsync(KestrelApi.Api(HttpMethod.Get, "/metrics"), TestContext.Current.CancellationToken);
        var metrics = PrometheusScrape.Parse(await scrape.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(metrics.Value("sessions_webhook_rejected_total", ("kind", kind), ("reason", "too_large")) >= 1);
    }

    [Fact]
    public async Task ChunkedBodyExactlyAtTheLimitIsAccepted()
    {
        var (_, request) = TestSources.Authenticated("fastpix", Padded(Active, Limit), DateTimeOffset.UtcNow);

        var answer = await api.SendRawAsync(Head("fastpix", request.Headers, chunked: true), KestrelApi.Chunked(request.Body.ToArray(), 1000));

        Assert.True(answer.Status == 200, $"got {answer.Status}: {answer.Body}");
    }

    [Fact]
    public async Task RandomSizesAroundTheLimitInBothFramingsGet200Or413ByLengthAlone()
    {
        var random = new Random(15_01);
        for (var i = 0; i < 60; i++)
        {
            var size = Limit + (i % 3 == 0 ? random.Next(-3, 4) : random.Next(-4096, 4097));
            var chunked = i % 2 == 0;
            var (_, request) = TestSources.Authenticated("fastpix", Padded(Active, size), DateTimeOffset.UtcNow);
            var body = request.Body.ToArray();
            var framed = chunked ? KestrelApi.Chunked(body, random.Next(1, 9000)) : body;
            var head = Head("fastpix", request.Headers, chunked) + (chunked ? "" : $"\r\nContent-Length: {body.Length}");

            var answer = await api.SendRawAsync(head, framed);

            var expected = size > Limit ? 413 : 200;
            Assert.True(answer.Status == expected,
                $"{size} bytes {(chunked ? "chunked" : "with Content-Length")}: expected {expected}, got {answer.Status}: {answer.Body}");
        }

        Assert.Equal(200, await api.ReadyStatusAsync());
    }

    /// <summary>A genuine body made exactly <paramref name="size"/> bytes long with trailing JSON whitespace.</summary>
    private static byte[] Padded(byte[] body, int size)
    {
        var padded = new byte[size];
        body.CopyTo(padded, 0);
        Array.Fill(padded, (byte)' ', body.Length, size - body.Length);
        return padded;
    }

    private static string Head(string kind, IReadOnlyDictionary<string, string> headers, bool chunked)
    {
        var head = new StringBuilder($"POST /webhooks/{kind} HTTP/1.1\r\nContent-Type: application/json");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"\r\n{name}: {value}");
        }

        if (chunked)
        {
            head.Append("\r\nTransfer-Encoding: chunked");
        }

        return head.ToString();
    }

    private static string Detail(RawAnswer answer)
    {
        Assert.StartsWith("application/problem+json", answer.Headers["content-type"], StringComparison.Ordinal);
        return JsonDocument.Parse(answer.Body).RootElement.GetProperty("detail").GetString()!;
    }
}
