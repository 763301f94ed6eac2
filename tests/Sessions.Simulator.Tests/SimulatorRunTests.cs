namespace Sessions.Simulator.Tests;

/// <summary>Whole runs against the in-process service on a SQLite file: everything acknowledged, nothing 5xx, verification passes.</summary>
public sealed class SimulatorRunTests(SimulatedService service) : IClassFixture<SimulatedService>
{
    [Fact]
    public async Task RunsWithTheSameSeedRepeatAgainstOneInstanceAndEachVerifies()
    {
        foreach (var (runId, events) in new[] { ("first", 300), ("second", 120) })
        {
            var options = new SimulatorOptions
            {
                Url = service.Client.BaseAddress!,
                Events = events,
                Concurrency = 8,
                Seed = 7,
                RunId = runId,
                Duplicates = 0.1,
                Reorder = 0.1,
                ApiKey = SimulatedService.ApiKey,
                Verify = true,
            };

            var result = await new SimulatorRun(options, service.Client).RunAsync(TestContext.Current.CancellationToken);

            using var summary = new StringWriter();
            SummaryWriter.Write(summary, result);
            Assert.True(result.Succeeded, summary.ToString());
            Assert.Equal((events, events, 0, 0, 0), (result.Sent, result.Acknowledged, result.Rejected, result.Failed, result.Retries));
            Assert.True(result.Duplicates > 0 && result.Late > 0, summary.ToString());
            var verification = result.Verification!;
            Assert.Contains(verification.Rows, r => r.Kind == EntityKinds.Server && r.Expected > 0);
            Assert.Contains(verification.Rows, r => r.Kind == EntityKinds.Session && r.Expected > 0);
            Assert.Contains(verification.Rows, r => r.Kind == EntityKinds.Recording && r.Expected > 0);
            Assert.Contains(verification.Rows, r => r.Kind == EntityKinds.Livestream && r.Expected > 0);
            Assert.Equal(verification.Rows.Sum(r => r.Expected), verification.EntitiesChecked);
            Assert.Empty(verification.EntityMismatches);
            Assert.Empty(result.NotAcknowledgedAttempts);
            Assert.True(result.Latency.P50 > 0 && result.Latency.Max >= result.Latency.P99);
        }
    }

    [Fact]
    public async Task AWrongApiKeyFailsVerificationWithTheApisAnswer()
    {
        var options = new SimulatorOptions { Url = service.Client.BaseAddress!, Events = 20, RunId = "wrongkey", ApiKey = "wrong", Verify = true };

        var result = await new SimulatorRun(options, service.Client).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(20, result.Acknowledged);
        Assert.False(result.Succeeded);
        Assert.Contains("401", result.Verification!.Error, StringComparison.Ordinal);
    }
}
