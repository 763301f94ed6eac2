using Sessions.Abstractions.Servers;
using Sessions.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>What each health word means, and silence by the tracker's clock.</summary>
public sealed class ServerHealthRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData("gateway", ServerStatus.Started, ServerHealth.Healthy, null)]
    [InlineData("mediaserver", ServerStatus.Started, ServerHealth.Degraded, "notRegistered")]
    [InlineData("mediaserver", ServerStatus.Registered, ServerHealth.Healthy, null)]
    [InlineData("mediaserver", ServerStatus.Unregistered, ServerHealth.Down, "unregistered")]
    [InlineData("mediaserver", ServerStatus.Stopped, ServerHealth.Offline, "stopped")]
    public void EachStateGivesAHealthAndAReason(string role, ServerStatus state, ServerHealth health, string? reason) =>
        Assert.Equal((health, reason), ServerHealthRules.Of(state, role));

    [Theory]
    [InlineData(ServerStatus.Started, 299, ServerHealth.Healthy, null)]
    [InlineData(ServerStatus.Started, 300, ServerHealth.Down, "silent")]
    [InlineData(ServerStatus.Registered, 3600, ServerHealth.Down, "silent")]
    [InlineData(ServerStatus.Unregistered, 3600, ServerHealth.Down, "unregistered")]
    [InlineData(ServerStatus.Stopped, 3600, ServerHealth.Offline, "stopped")]
    public void ServersThatShouldBeUpAreSilentOnceNotHeardFromForTheThreshold(ServerStatus state, int secondsLater, ServerHealth health, string? reason)
    {
        var (h, r) = ServerHealthRules.Of(state, "gateway");
        var server = Gateway(state, h, r);

        var now = ServerHealthRules.AsOf(server, T0.AddSeconds(secondsLater), FiveMinutes);

        Assert.Equal((health, reason), (now.Health, now.HealthReason));
    }

    [Fact]
    public void SilenceIsReappliedFromTheStateNotFromTheHealthHeldSoALongerThresholdUndoesIt()
    {
        var silent = ServerHealthRules.AsOf(Gateway(ServerStatus.Registered, ServerHealth.Healthy, null), T0.AddMinutes(10), FiveMinutes);
        Assert.Equal(ServerHealth.Down, silent.Health);

        var again = ServerHealthRules.AsOf(silent, T0.AddMinutes(10), TimeSpan.FromHours(1));

        Assert.Equal((ServerHealth.Healthy, null), (again.Health, again.HealthReason));
        Assert.Same(again, ServerHealthRules.AsOf(again, T0.AddMinutes(10), TimeSpan.FromHours(1)));
    }

    private static ServerSnapshot Gateway(ServerStatus state, ServerHealth health, string? reason) =>
        new("liveswitch", "gw-1", "gateway", state, health, null, null, null, null, null, null, null, 1, T0, T0, T0, null, reason);
}
