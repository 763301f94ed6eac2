using BenchmarkDotNet.Attributes;
using Sessions.Testing.Webhooks;
using Sessions.Webhooks;

namespace Sessions.Benchmarks;

/// <summary>One <see cref="WebhookPipeline.Handle"/> call (verify the raw body, then parse it) per provider, over a representative fixture.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private (WebhookSource Source, WebhookRequest Request) _liveSwitchConnection;
    private (WebhookSource Source, WebhookRequest Request) _liveSwitchBatch;
    private (WebhookSource Source, WebhookRequest Request) _dyteRecordingUploaded;
    private (WebhookSource Source, WebhookRequest Request) _fastPixActive;
    private (WebhookSource Source, WebhookRequest Request) _eyesonRecordingUpdate;
    private (WebhookSource Source, WebhookRequest Request) _standard;

    [GlobalSetup]
    public void Setup()
    {
        _liveSwitchConnection = Fixture("liveswitch/07-connection.connected.json");
        _liveSwitchBatch = Fixture("liveswitch/06-batch.connection.initializing+connecting.json");
        _dyteRecordingUploaded = Fixture("dyte/09-recording.statusUpdate.UPLOADED.json");
        _fastPixActive = Fixture("fastpix/05-video.live_stream.active.json");
        _eyesonRecordingUpdate = Fixture("eyeson/rest/05-recording_update.finished.json");
        var standardBody = """{"type":"recording.status","timestamp":"2024-06-10T06:00:00Z","data":{"provider":"acme","id":"r-1","status":"ready","sessionId":"s-1","durationMs":5000}}"""u8.ToArray();
        _standard = TestSources.Authenticated("standard", standardBody, TestSources.ReceivedAt);

        foreach (var (source, request) in new[] { _liveSwitchConnection, _liveSwitchBatch, _dyteRecordingUploaded, _fastPixActive, _eyesonRecordingUpdate, _standard })
        {
            if (WebhookPipeline.Handle(source, request) is not WebhookVerdict.Accepted)
            {
                throw new InvalidOperationException($"{source.Kind} sample is not accepted");
            }
        }
    }

    [Benchmark]
    public WebhookVerdict LiveSwitchConnection() => WebhookPipeline.Handle(_liveSwitchConnection.Source, _liveSwitchConnection.Request);

    [Benchmark]
    public WebhookVerdict LiveSwitchBatch() => WebhookPipeline.Handle(_liveSwitchBatch.Source, _liveSwitchBatch.Request);

    [Benchmark]
    public WebhookVerdict DyteRecordingUploaded() => WebhookPipeline.Handle(_dyteRecordingUploaded.Source, _dyteRecordingUploaded.Request);

    [Benchmark]
    public WebhookVerdict FastPixActive() => WebhookPipeline.Handle(_fastPixActive.Source, _fastPixActive.Request);

    [Benchmark]
    public WebhookVerdict EyesonRecordingUpdate() => WebhookPipeline.Handle(_eyesonRecordingUpdate.Source, _eyesonRecordingUpdate.Request);

    [Benchmark]
    public WebhookVerdict Standard() => WebhookPipeline.Handle(_standard.Source, _standard.Request);

    private static (WebhookSource, WebhookRequest) Fixture(string id)
    {
        var fixture = FixtureFiles.Get(id);
        return (TestSources.For(fixture.Kind), TestSources.FixtureRequest(fixture));
    }
}
