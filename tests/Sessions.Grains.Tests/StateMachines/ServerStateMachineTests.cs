using Sessions.Abstractions.Servers;
using Sessions.Grains.Servers;
using Sessions.Canonical;
using static Sessions.Grains.Tests.StateMachines.Canonical;
using ServerMachineState = Sessions.Grains.Servers.ServerState;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>The LiveSwitch server rows of design/providers.md, restarts, and the health rule.</summary>
public sealed class ServerStateMachineTests
{
    private static readonly ServerInfo Machine = new(
        MachineName: "LS-GW-01", Version: "1.17.4", CoreCount: 8, OperatingSystem: "linux",
        OperatingSystemVersion: "Ubuntu 22.04", Region: "eu-west", DeploymentId: "dep-1");

    private static CanonicalEvent Gateway(ServerStatus state, double seconds, ServerInfo? info = null) =>
        At(seconds, new ServerStateChanged("gateway", state, info));

    private static CanonicalEvent MediaServer(ServerStatus state, double seconds) =>
        At(seconds, new ServerStateChanged("mediaserver", state));

    [Fact]
    public void StartedRecordsRoleAndMachineFacts()
    {
        var (_, server) = Server(Gateway(ServerStatus.Started, 0, Machine));

        Assert.Equal(("gateway", ServerStatus.Started, T0, 1), (server.Role, server.State, server.Since, server.Incarnation));
        Assert.Equal(
            ("LS-GW-01", "1.17.4", 8, "linux", "Ubuntu 22.04", "eu-west", "dep-1"),
            (server.MachineName, server.Version, server.CoreCount, server.OperatingSystem, server.OperatingSystemVersion, server.Region, server.DeploymentId));
        Assert.Equal("started", ServerStateMachine.Status(new ServerMachineState()));
    }

    [Theory]
    [InlineData("gateway", ServerStatus.Started, ServerHealth.Healthy)]
    [InlineData("gateway", ServerStatus.Registered, ServerHealth.Healthy)]
    [InlineData("gateway", ServerStatus.Unregistered, ServerHealth.Down)]
    [InlineData("gateway", ServerStatus.Stopped, ServerHealth.Offline)]
    [InlineData("mediaserver", ServerStatus.Started, ServerHealth.Degraded)]
    [InlineData("mediaserver", ServerStatus.Registered, ServerHealth.Healthy)]
    [InlineData("mediaserver", ServerStatus.Unregistered, ServerHealth.Down)]
    [InlineData("recordingmuxer", ServerStatus.Stopped, ServerHealth.Offline)]
    public void HealthFollowsRoleAndState(string role, ServerStatus state, ServerHealth health)
    {
        var (machine, server) = Server(At(0, new ServerStateChanged(role, state)));

        Assert.Equal(health, server.Health);
        Assert.Equal(health.ToString().ToLowerInvariant(), ServerStateMachine.Facets(machine)["health"]);
    }

    [Fact]
    public void RegisteredAndUnregisteredMoveTheState()
    {
        var (registered, _) = Server(MediaServer(ServerStatus.Registered, 5));
        var (unregistered, snapshot) = Server(MediaServer(ServerStatus.Registered, 5), MediaServer(ServerStatus.Unregistered, 900));

        Assert.Equal("registered", ServerStateMachine.Status(registered));
        Assert.Equal("unregistered", ServerStateMachine.Status(unregistered));
        Assert.Equal(T0.AddSeconds(900), snapshot.Since);
        Assert.Null(ServerStateMachine.FinishedAt(unregistered));
    }

    [Fact]
    public void StoppedIsOfflineNotDownAndFinished()
    {
        var (machine, server) = Server(Gateway(ServerStatus.Started, 0), Gateway(ServerStatus.Stopped, 960));

        Assert.Equal((ServerStatus.Stopped, ServerHealth.Offline, "stopped"), (server.State, server.Health, server.HealthReason));
        Assert.Equal(T0.AddSeconds(960), ServerStateMachine.FinishedAt(machine));
    }

    [Fact]
    public void StatsMoveOnlyLastSeen()
    {
        var (machine, _) = Server(Gateway(ServerStatus.Registered, 0, Machine));

        Assert.False(ServerStateMachine.Apply(machine, At(30, new ServerSeen("gateway"))));
        Assert.Equal("registered", ServerStateMachine.Status(machine));
    }

    [Fact]
    public void StatsAloneNameTheRoleOfARunningServer()
    {
        var (machine, server) = Server(At(30, new ServerSeen("mediaserver")));

        Assert.Equal(("mediaserver", ServerStatus.Started, null, 0), (server.Role, server.State, server.Since, server.Incarnation));
        Assert.Equal("mediaserver", ServerStateMachine.Facets(machine)["role"]);
        Assert.Equal("unknown", ServerStateMachine.Facets(machine)["region"]);
    }

    [Fact]
    public void StartedAfterStoppedIsARestart()
    {
        var events = new[] { Gateway(ServerStatus.Started, 0), Gateway(ServerStatus.Stopped, 60), Gateway(ServerStatus.Started, 120) };

        CanonicalEvent[][] orders = [events, [.. events.Reverse()], [events[1], events[2], events[0]]];
        foreach (var order in orders)
        {
            var (machine, server) = Server(order);

            Assert.Equal((ServerStatus.Started, 2, ServerHealth.Healthy, T0.AddSeconds(120)), (server.State, server.Incarnation, server.Health, server.Since));
            Assert.Null(ServerStateMachine.FinishedAt(machine));
        }
    }

    [Fact]
    public void RestartOfAMediaServerIsDegradedUntilItRegistersAgain()
    {
        var (machine, server) = Server(
            MediaServer(ServerStatus.Started, 0), MediaServer(ServerStatus.Registered, 5), MediaServer(ServerStatus.Stopped, 60),
            MediaServer(ServerStatus.Started, 120));

        Assert.Equal((2, ServerHealth.Degraded), (server.Incarnation, server.Health));
        Assert.True(ServerStateMachine.Apply(machine, MediaServer(ServerStatus.Registered, 125)));
        Assert.Equal(ServerHealth.Healthy, ServerStateMachine.Snapshot(machine, Header, []).Health);
    }

    [Fact]
    public void LateStoppedOfTheFirstIncarnationDoesNotStopTheSecond()
    {
        var (machine, _) = Server(Gateway(ServerStatus.Started, 0), Gateway(ServerStatus.Started, 120));

        Assert.False(ServerStateMachine.Apply(machine, Gateway(ServerStatus.Stopped, 60)));
        Assert.Equal("started", ServerStateMachine.Status(machine));
    }

    [Fact]
    public void EqualTimesResolveByRankStartedRegisteredUnregisteredStopped()
    {
        var (_, server) = Server(Gateway(ServerStatus.Stopped, 10), Gateway(ServerStatus.Started, 10), Gateway(ServerStatus.Unregistered, 10));

        Assert.Equal(ServerStatus.Stopped, server.State);
    }

    [Fact]
    public void MachineFactsAreNewestPerFieldAndOlderEventsDoNotOverwrite()
    {
        var (machine, _) = Server(Gateway(ServerStatus.Started, 100, new ServerInfo(MachineName: "new", Version: "2.0")));

        Assert.True(ServerStateMachine.Apply(machine, Gateway(ServerStatus.Registered, 50, new ServerInfo(MachineName: "old", Region: "us-east"))));
        var server = ServerStateMachine.Snapshot(machine, Header, []);

        Assert.Equal(("new", "2.0", "us-east"), (server.MachineName, server.Version, server.Region));
    }

    [Fact]
    public void RepeatedEventChangesNothing()
    {
        var started = Gateway(ServerStatus.Started, 0, Machine);
        var (machine, _) = Server(started);

        Assert.False(ServerStateMachine.Apply(machine, started));
        Assert.Single(machine.Starts);
    }
}
