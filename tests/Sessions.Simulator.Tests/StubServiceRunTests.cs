using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Sessions.Simulator.Sending;
using Sessions.Simulator.Verification;

namespace Sessions.Simulator.Tests;

/// <summary>
/// Runs against a stub that answers every first attempt 503 and holds nothing: each attempt is reported with its answer,
/// and verification names every entity the service does not answer as acknowledged.
/// </summary>
public sealed class StubServiceRunTests
{
    private const int Events = 40;

    [Fact]
    public async Task EveryAttemptIsReportedWithItsAnswerAndRetriedOn503()
    {
        var attempts = new ConcurrentQueue<DeliveryAttempt>();
        using var http = new HttpClient(new ForgetfulService());

        var result = await new SimulatorRun(Options() with { Attempted = attempts.Enqueue }, http).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal((Events, Events, Events, Events), (result.Sent, result.Acknowledged, result.AcknowledgedOnRetry, result.Retries));
        Assert.Equal(new Dictionary<string, int> { ["503"] = Events }, result.NotAcknowledgedAttempts);
        Assert.Equal(
            Enumerable.Range(0, Events).SelectMany(_ => new[] { (0, 503, ForgetfulService.Detail), (1, 200, null) }),
            attempts.Select(a => (a.Attempt, a.Status, a.Detail)));
        Assert.Equal(Enumerable.Range(0, Events).SelectMany(i => new[] { i, i }), attempts.Select(a => a.Delivery.Sequence));
        Assert.All(attempts, a => Assert.Equal(a.Status == 200, a.Acknowledged));
    }

    [Fact]
    public async Task VerificationNamesEachEntityTheServiceLacksOrHoldsInAnotherStatus()
    {
        using var http = new HttpClient(new ForgetfulService());

        var result = await new SimulatorRun(Options(), http).RunAsync(TestContext.Current.CancellationToken);

        var verification = result.Verification!;
        using var summary = new StringWriter();
        SummaryWriter.Write(summary, result);
        Assert.False(verification.Passed, summary.ToString());
        Assert.False(verification.ListsMatched);
        Assert.True(verification.EntitiesChecked > 0);
        Assert.Equal(verification.EntitiesChecked, verification.EntityMismatches.Count);
        Assert.Contains(verification.EntityMismatches, m => m.Problem.StartsWith("status '", StringComparison.Ordinal));
        Assert.Contains(verification.EntityMismatches, m => m.Problem.StartsWith("timeline lacks 1 of 1 '", StringComparison.Ordinal));
        Assert.Contains($"{verification.EntitiesChecked} read back, {verification.EntitiesChecked} not as acknowledged", summary.ToString(), StringComparison.Ordinal);
    }

    private static SimulatorOptions Options() => new()
    {
        Url = new Uri("http://stub.invalid/"),
        Events = Events,
        Concurrency = 1,
        Duplicates = 0,
        Reorder = 0,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        ApiKey = "stub-key",
        Verify = true,
        VerifyTimeout = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>
    /// Answers each first webhook attempt 503 and its retry 200 (one sender, so attempts alternate), yet stores nothing:
    /// every entity is in its kind's first status with an empty timeline, and every list is empty.
    /// </summary>
    private sealed class ForgetfulService : HttpMessageHandler
    {
        public const string Detail = "stub: try again";

        private int _posts;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                return Task.FromResult(Interlocked.Increment(ref _posts) % 2 == 1
                    ? Json(HttpStatusCode.ServiceUnavailable, $$"""{"status":503,"detail":"{{Detail}}"}""")
                    : Json(HttpStatusCode.OK, """{"events":[]}"""));
            }

            // api/{kind}s/{provider}/{id} is one entity, api/{kind}s a list.
            var segments = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
            if (segments.Length == 4)
            {
                var status = ExpectedState.Statuses(segments[1].TrimEnd('s'))[0];
                return Task.FromResult(Json(HttpStatusCode.OK, $$"""{"state":"{{status}}","status":"{{status}}","timeline":[]}"""));
            }

            return Task.FromResult(Json(HttpStatusCode.OK, """{"items":[],"nextCursor":null}"""));
        }

        private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
            new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
