using Sessions.Abstractions.Livestreams;
using Sessions.Grains.Livestreams;
using Sessions.Canonical;
using static Sessions.Grains.Tests.StateMachines.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>The livestream rows of design/providers.md (FastPix, Dyte, LiveSwitch RTMP) and reconnects.</summary>
public sealed class LivestreamStateMachineTests
{
    private static CanonicalEvent Status(LivestreamStatus status, double seconds, string? word = null, LivestreamSettings? settings = null, string? session = null) =>
        At(seconds, new LivestreamStatusChanged(status, word ?? status.ToString().ToLowerInvariant(), session, settings));

    private static CanonicalEvent Target(string id, SimulcastTargetStatus status, double seconds, string? url = null) =>
        At(seconds, new SimulcastTargetChanged(id, status, url));

    [Fact]
    public void CreatedIsIdleWithItsSettings()
    {
        var (state, stream) = Livestream(Status(LivestreamStatus.Idle, 0, "created", new LivestreamSettings("1080p", 60, true)));

        Assert.Equal((LivestreamStatus.Idle, "created", new LivestreamSettingsView("1080p", 60, true)), (stream.Status, stream.ProviderStatus, stream.Settings));
        Assert.Equal("idle", LivestreamStateMachine.Status(state));
    }

    [Theory]
    [InlineData(LivestreamStatus.Preparing, "preparing", "preparing")]
    [InlineData(LivestreamStatus.Connected, "connected", "connected")]
    [InlineData(LivestreamStatus.Live, "active", "live")]
    [InlineData(LivestreamStatus.Live, "recording", "live")]
    [InlineData(LivestreamStatus.Disconnected, "disconnected", "disconnected")]
    [InlineData(LivestreamStatus.Disabled, "disabled", "disabled")]
    [InlineData(LivestreamStatus.Live, "LIVE", "live")]
    [InlineData(LivestreamStatus.Idle, "OFFLINE", "idle")]
    [InlineData(LivestreamStatus.Live, "started", "live")]
    [InlineData(LivestreamStatus.Idle, "stopped", "idle")]
    public void StatusEventsMoveTheStreamAndKeepTheProvidersWord(LivestreamStatus status, string word, string canonical)
    {
        var (state, stream) = Livestream(Status(LivestreamStatus.Idle, 0, "created"), Status(status, 10, word, session: "room-42"));

        Assert.Equal((status, word, "room-42"), (stream.Status, stream.ProviderStatus, stream.SessionId));
        Assert.Equal(canonical, LivestreamStateMachine.Status(state));
        Assert.Null(LivestreamStateMachine.FinishedAt(state));
    }

    [Fact]
    public void ReconnectCyclesThroughDisconnectedAndBackToLive()
    {
        var (_, stream) = Livestream(
            Status(LivestreamStatus.Live, 0, "active"), Status(LivestreamStatus.Disconnected, 10), Status(LivestreamStatus.Live, 31, "active"));

        Assert.Equal(LivestreamStatus.Live, stream.Status);
    }

    [Fact]
    public void NewBroadcastAfterIdleIsLegitimate()
    {
        var (_, stream) = Livestream(Status(LivestreamStatus.Connected, 100), Status(LivestreamStatus.Live, 10), Status(LivestreamStatus.Idle, 50));

        Assert.Equal(LivestreamStatus.Connected, stream.Status);
    }

    [Fact]
    public void IdleEndsABroadcastThatDisconnectedAtTheSameTime()
    {
        var (_, stream) = Livestream(Status(LivestreamStatus.Idle, 10), Status(LivestreamStatus.Disconnected, 10));

        Assert.Equal(LivestreamStatus.Idle, stream.Status);
    }

    [Fact]
    public void DeletedIsTerminalAndStickyButDisabledIsNot()
    {
        var (deleted, stream) = Livestream(Status(LivestreamStatus.Deleted, 10), Status(LivestreamStatus.Live, 20, "active"));
        var (enabled, _) = Livestream(Status(LivestreamStatus.Disabled, 10), Status(LivestreamStatus.Idle, 20, "enabled"));

        Assert.Equal((LivestreamStatus.Deleted, "deleted"), (stream.Status, stream.ProviderStatus));
        Assert.Equal(T0.AddSeconds(10), LivestreamStateMachine.FinishedAt(deleted));
        Assert.Equal("idle", LivestreamStateMachine.Status(enabled));
    }

    [Fact]
    public void UpdatedChangesSettingsNewestPerField()
    {
        var (_, stream) = Livestream(
            Status(LivestreamStatus.Idle, 0, "created", new LivestreamSettings("1080p", 60, true)),
            At(100, new LivestreamUpdated(new LivestreamSettings(ReconnectWindowSeconds: 300))),
            Status(LivestreamStatus.Live, 50, "active", new LivestreamSettings("720p", 60, true)));

        Assert.Equal(new LivestreamSettingsView("720p", 300, true), stream.Settings);
    }

    [Fact]
    public void SimulcastTargetsFollowTheirOwnStateAndDeletedIsSticky()
    {
        var (state, stream) = Livestream(
            Target("t1", SimulcastTargetStatus.Idle, 0, "rtmp://a"), Target("t1", SimulcastTargetStatus.Starting, 5), Target("t1", SimulcastTargetStatus.Broadcasting, 7),
            Target("t2", SimulcastTargetStatus.Deleted, 10), Target("t2", SimulcastTargetStatus.Broadcasting, 20, "rtmp://b"));

        Assert.Equal(
            [new TargetView("t1", SimulcastTargetStatus.Broadcasting, "rtmp://a", T0.AddSeconds(7)), new TargetView("t2", SimulcastTargetStatus.Deleted, "rtmp://b", T0.AddSeconds(10))],
            stream.SimulcastTargets);
        Assert.Equal("idle", LivestreamStateMachine.Status(state));
    }

    [Fact]
    public void ErroredTargetRecoversWhenANewerEventSaysSo()
    {
        var (_, stream) = Livestream(Target("t1", SimulcastTargetStatus.Errored, 5), Target("t1", SimulcastTargetStatus.Broadcasting, 9));

        Assert.Equal(SimulcastTargetStatus.Broadcasting, stream.SimulcastTargets[0].Status);
    }

    [Fact]
    public void MediaCreatedAddsAnAssetOnce()
    {
        var (state, stream) = Livestream(At(0, new LivestreamAssetCreated("asset-2")), At(1, new LivestreamAssetCreated("asset-1")));

        Assert.Equal(["asset-1", "asset-2"], stream.Assets);
        Assert.False(LivestreamStateMachine.Apply(state, At(2, new LivestreamAssetCreated("asset-1"))));
    }
}
