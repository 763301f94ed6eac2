using Sessions.Abstractions.Recordings;
using Sessions.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>A recording whose stream disconnected and never said another word is stopped once the window has closed.</summary>
public sealed class RecordingStreamRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(RecordingStatus.Recording, 59, RecordingStatus.Recording)]
    [InlineData(RecordingStatus.Recording, 60, RecordingStatus.Stopped)]
    [InlineData(RecordingStatus.Ready, 600, RecordingStatus.Ready)]
    public void StoppedAtTheDisconnectionOnceTheWindowHasClosed(RecordingStatus status, int secondsAfterDisconnect, RecordingStatus expected)
    {
        var recording = Recording(status, disconnectedAt: T0, reconnectBy: T0.AddSeconds(60));

        var now = RecordingStreamRules.AsOf(recording, T0.AddSeconds(secondsAfterDisconnect));

        Assert.Equal(expected, now.Status);
        if (expected != status)
        {
            Assert.Equal((T0, "disconnected"), (now.StoppedAt, now.ProviderStatus));
        }
        else
        {
            Assert.Same(recording, now);
        }
    }

    [Fact]
    public void ARecordingWhoseStreamIsNotAwayRunsOn() =>
        Assert.Equal(RecordingStatus.Recording, RecordingStreamRules.AsOf(Recording(RecordingStatus.Recording, null, null), T0.AddDays(30)).Status);

    private static RecordingSnapshot Recording(RecordingStatus status, DateTimeOffset? disconnectedAt, DateTimeOffset? reconnectBy) =>
        new("fastpix", "rec-1", null, status, "recording", T0.AddHours(-1), null, null, null, null, null, null, T0, null, disconnectedAt, reconnectBy);
}
