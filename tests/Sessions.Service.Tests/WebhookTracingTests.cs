using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using OpenTelemetry.Trace;
using Sessions.Service.Tests.Infrastructure;
using Sessions.Testing;
using Sessions.Testing.Hosting;
using Sessions.Testing.Webhooks;

namespace Sessions.Service.Tests;

/// <summary>With an OTLP endpoint configured, one webhook is one trace: the HTTP request, the grain call, the durable write.</summary>
public sealed class WebhookTracingTests(WebhookTracingTests.TracedApi api) : IClassFixture<WebhookTracingTests.TracedApi>
{
    /// <summary>
    /// Listeners of activity sources are process-wide, so this class's host also sees the spans of hosts that other test
    /// classes run at the same time; its source has a name no other test posts to.
    /// </summary>
    private const string Source = "traced-dyte";

    [Fact]
    public async Task OneWebhookIsOneTraceFromTheRequestThroughTheGrainCallToTheDurableWrite()
    {
        var fixture = FixtureFiles.Get("dyte/01-meeting.started.json");
        using var message = WebhookMessage.For(Source, TestSources.FixtureRequest(fixture));
        var response = await api.Client.SendAsync(message, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var spans = await api.Spans.WaitForAsync(
            seen => seen.Any(IsWebhookRequest), TimeSpan.FromSeconds(10), $"the server span of POST /webhooks/{Source}");
        var request = Assert.Single(spans, IsWebhookRequest);
        var trace = spans.Where(s => s.TraceId == request.TraceId).ToDictionary(s => s.SpanId);

        // The storage write, followed up its parents, leads through the grain call to the request. A single-event
        // webhook's raw log row rides in its event's journal commit.
        var write = Assert.Single(trace.Values, s => s.Source.Name == "Sessions");
        Assert.Equal("session/dyte/a7e3d2c1-b0a9-4f8e-8d7c-6b5a4e3d2c1b", write.GetTagItem("sessions.storage.target"));
        var chain = new List<Activity> { write };
        while (trace.TryGetValue(chain[^1].ParentSpanId, out var parent))
        {
            chain.Add(parent);
        }

        Assert.Equal(
            ["Sessions append journal and raw webhook", "Microsoft.Orleans.Application IEntityGrain/ApplyAsync",
             "Microsoft.Orleans.Application IEntityGrain/ApplyAsync", "Microsoft.AspNetCore POST /webhooks/{source}"],
            chain.Select(s => $"{s.Source.Name} {s.DisplayName}"));
        Assert.Equal([ActivityKind.Server, ActivityKind.Client, ActivityKind.Server], chain[1..].Select(s => s.Kind));
    }

    private static bool IsWebhookRequest(Activity span) =>
        span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore" && (string?)span.GetTagItem("url.path") == $"/webhooks/{Source}";

    /// <summary>The service on its own SQLite file with one Dyte source, an OTLP endpoint nothing listens on, and an in-memory exporter beside it.</summary>
    public sealed class TracedApi : IAsyncLifetime
    {
        private readonly TempDirectory _folder = new("tracing");
        private readonly WebApplicationFactory<Program> _factory;

        public TracedApi()
        {
            var settings = new Dictionary<string, string?>
            {
                ["Storage:Mode"] = "sqlite",
                ["Storage:ConnectionString"] = _folder.SqliteConnectionString,
                ["Api:Keys:0"] = "test-api-key-0123456789",

                // Tracing is on only with somewhere to send it; a loopback port with no listener is enough for that switch.
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}",
            };
            SourceSettings.Add(settings, Source, TestSources.For("dyte"));
            _factory = new SessionsApiFactory(settings).WithWebHostBuilder(builder => builder.ConfigureTestServices(
                services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans))));
        }

        internal RecordedSpans Spans { get; } = [];

        public HttpClient Client { get; private set; } = null!;

        public ValueTask InitializeAsync()
        {
            Client = _factory.CreateClient();
            return ValueTask.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _factory.DisposeAsync();
            Spans.Dispose();
            SqliteConnection.ClearAllPools();
            _folder.Dispose();
        }
    }
}
