using Sessions.Grains.Recordings;
using Sessions.Canonical;
using static Sessions.Grains.Tests.StateMachines.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>The recording rows of design/providers.md (Dyte, eyeson, StreamRec, LiveSwitch, FastPix) and the rank rule.</summary>
public sealed class RecordingStateMachineTests
{
    private static CanonicalEvent Status(RecordingStatus status, double seconds, string? word = null, string? session = null, RecordingDetails? details = null) =>
        At(seconds, new RecordingStatusChanged(status, word ?? status.ToString(), session, details));

    [Theory]
    [InlineData("INVOKED", RecordingStatus.Pending, "pending")]
    [InlineData("RECORDING", RecordingStatus.Recording, "recording")]
    [InlineData("stopped", RecordingStatus.Stopped, "stopped")]
    [InlineData("UPLOADING", RecordingStatus.Uploading, "uploading")]
    [InlineData("UPLOADED", RecordingStatus.Ready, "ready")]
    [InlineData("ERRORED", RecordingStatus.Failed, "failed")]
    [InlineData("channel.recording.expired", RecordingStatus.Expired, "expired")]
    public void EachStatusIsKeptWithTheProvidersWord(string word, RecordingStatus status, string canonical)
    {
        var (state, recording) = Recording(Status(status, 0, word, "session-1"));

        Assert.Equal((status, word, "session-1"), (recording.Status, recording.ProviderStatus, recording.SessionId));
        Assert.Equal(canonical, RecordingStateMachine.Status(state));
    }

    [Fact]
    public void UploadedKeepsSizeDurationLinkAndExpiry()
    {
        var details = new RecordingDetails(T0, T0.AddMinutes(48), 2_875_000, 734_003_200, "https://file", T0.AddDays(7));
        var (state, recording) = Recording(Status(RecordingStatus.Recording, 0, details: new RecordingDetails(StartedAt: T0)), Status(RecordingStatus.Ready, 2880, details: details));

        Assert.Equal(
            (T0, T0.AddMinutes(48), 2_875_000L, 734_003_200L, "https://file", T0.AddDays(7)),
            (recording.StartedAt, recording.StoppedAt, recording.DurationMs, recording.SizeBytes, recording.DownloadUrl, recording.DownloadUrlExpiresAt));
        Assert.Equal(T0.AddSeconds(2880), RecordingStateMachine.FinishedAt(state));
    }

    [Fact]
    public void LateUploadingDoesNotDowngradeUploaded()
    {
        var (state, _) = Recording(Status(RecordingStatus.Ready, 100, "UPLOADED", details: new RecordingDetails(DownloadUrl: "https://file", SizeBytes: 10)));

        Assert.False(RecordingStateMachine.Apply(state, Status(RecordingStatus.Uploading, 100, "UPLOADING", details: new RecordingDetails(SizeBytes: 10))));
        var recording = RecordingStateMachine.Snapshot(state, Header, []);

        Assert.Equal((RecordingStatus.Ready, "UPLOADED", "https://file"), (recording.Status, recording.ProviderStatus, recording.DownloadUrl));
    }

    [Fact]
    public void RankDecidesEvenAgainstANewerEvent()
    {
        var (_, recording) = Recording(Status(RecordingStatus.Stopped, 10), Status(RecordingStatus.Recording, 20));

        Assert.Equal(RecordingStatus.Stopped, recording.Status);
    }

    [Fact]
    public void FailedOutranksReadyAndExpiredOutranksBoth()
    {
        var (_, failed) = Recording(Status(RecordingStatus.Failed, 5, "channel.recording.move.failed"), Status(RecordingStatus.Ready, 10, "channel.recording.ready"));
        var (expired, snapshot) = Recording(Status(RecordingStatus.Expired, 99), Status(RecordingStatus.Failed, 5), Status(RecordingStatus.Ready, 10));

        Assert.Equal((RecordingStatus.Failed, "channel.recording.move.failed"), (failed.Status, failed.ProviderStatus));
        Assert.Equal(RecordingStatus.Expired, snapshot.Status);
        Assert.Equal(T0.AddSeconds(5), RecordingStateMachine.FinishedAt(expired));
    }

    [Fact]
    public void UploadFailedKeepsTheReason()
    {
        var (_, recording) = Recording(Status(RecordingStatus.Failed, 0, "upload_failed", details: new RecordingDetails(FailureReason: "upload answered HTTP 403")));

        Assert.Equal("upload answered HTTP 403", recording.FailureReason);
    }

    [Fact]
    public void EyesonFinishedBeforeStoppedKeepsTheLink()
    {
        var stopped = Status(RecordingStatus.Stopped, 10, "stopped", "room", new RecordingDetails(StartedAt: T0, DurationMs: 754_000));
        var finished = Status(RecordingStatus.Ready, 20, "finished", "room", new RecordingDetails(StartedAt: T0, DurationMs: 754_000, DownloadUrl: "https://file"));

        var (_, recording) = Recording(finished, stopped);

        Assert.Equal((RecordingStatus.Ready, "finished", "https://file", 754_000L), (recording.Status, recording.ProviderStatus, recording.DownloadUrl, recording.DurationMs));
    }

    [Fact]
    public void DetailsAreNewestPerFieldAmongTheEventsThatCarryThem()
    {
        var (_, recording) = Recording(
            Status(RecordingStatus.Uploading, 30, details: new RecordingDetails(SizeBytes: 300)),
            Status(RecordingStatus.Ready, 20, details: new RecordingDetails(SizeBytes: 200, DownloadUrl: "https://file")));

        Assert.Equal((300L, "https://file"), (recording.SizeBytes, recording.DownloadUrl));
    }

    [Fact]
    public void SessionIsTheFirstOneNamed()
    {
        var (_, recording) = Recording(Status(RecordingStatus.Ready, 20, session: "late"), Status(RecordingStatus.Recording, 10, session: "early"), Status(RecordingStatus.Stopped, 15));

        Assert.Equal("early", recording.SessionId);
    }

    [Fact]
    public void UnfinishedRecordingHasNoFinishTime()
    {
        var (state, _) = Recording(Status(RecordingStatus.Uploading, 0));

        Assert.Null(RecordingStateMachine.FinishedAt(state));
    }

    [Fact]
    public void AStopToldByItsStreamFinishesTheRecordingAndAProvidersStopDoesNot()
    {
        var (byStream, recording) = Recording(
            Status(RecordingStatus.Recording, 0),
            At(600, new RecordingStatusChanged(RecordingStatus.Stopped, "idle", Details: new RecordingDetails(StoppedAt: T0.AddSeconds(600)))) with { Type = "livestream.idle" });
        var (byProvider, _) = Recording(Status(RecordingStatus.Recording, 0), Status(RecordingStatus.Stopped, 600, "stopped"));

        Assert.Equal((RecordingStatus.Stopped, T0.AddSeconds(600)), (recording.Status, RecordingStateMachine.FinishedAt(byStream)));
        Assert.Null(RecordingStateMachine.FinishedAt(byProvider));
    }
}
