using Sessions.Abstractions.Applications;
using Sessions.Grains.Applications;
using Sessions.Webhooks.Events;
using static Sessions.Grains.Tests.StateMachines.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>LiveSwitch client presence: <c>client.registered</c> / <c>client.unregistered</c> and client activity.</summary>
public sealed class ApplicationStateMachineTests
{
    private static CanonicalEvent Presence(string client, bool registered, double seconds) => At(seconds, new ClientPresenceChanged(client, registered));

    [Fact]
    public void RegisteredClientsAreCounted()
    {
        var (state, application) = Application(Presence("alice", true, 0), Presence("bob", true, 1), Presence("alice", false, 10));

        Assert.Equal(1, application.RegisteredClients);
        Assert.Equal(
            [new ClientView("alice", false, T0.AddSeconds(10), T0.AddSeconds(10)), new ClientView("bob", true, T0.AddSeconds(1), T0.AddSeconds(1))],
            application.Clients!);
        Assert.Equal("active", ApplicationStateMachine.Status(state));
        Assert.Null(ApplicationStateMachine.ListItem(state, Header).Clients);
        Assert.Null(ApplicationStateMachine.FinishedAt(state));
    }

    [Fact]
    public void LateRegistrationDoesNotCountAClientWhoUnregisteredLater()
    {
        var (state, _) = Application(Presence("alice", false, 10));

        Assert.False(ApplicationStateMachine.Apply(state, Presence("alice", true, 0)));
        Assert.Equal("idle", ApplicationStateMachine.Status(state));
    }

    [Fact]
    public void OnlyTheMostRecentlySeenUnregisteredClientsAreRememberedWhileRegisteredOnesAllStay()
    {
        var extra = 5;
        var events = new List<CanonicalEvent> { Presence("stays", true, 0) };
        for (var i = 0; i < ApplicationStateMachine.UnregisteredKept + extra; i++)
        {
            events.Add(Presence($"c{i:D4}", true, i + 1));
            events.Add(Presence($"c{i:D4}", false, i + 1.5));
        }

        var (state, application) = Application([.. events]);

        Assert.Equal(ApplicationStateMachine.UnregisteredKept + 1, state.Clients.Count);
        Assert.Equal(1, application.RegisteredClients);
        Assert.Contains("stays", state.Clients.Keys);
        Assert.DoesNotContain("c0004", state.Clients.Keys);
        Assert.Contains("c0005", state.Clients.Keys);
    }

    [Fact]
    public void UnregisteredWinsATie()
    {
        var (_, application) = Application(Presence("alice", false, 5), Presence("alice", true, 5));

        Assert.Equal(0, application.RegisteredClients);
    }

    [Fact]
    public void ActivityMovesOnlyThatClientsLastSeen()
    {
        var (state, _) = Application(Presence("alice", true, 0), Presence("bob", true, 0));

        Assert.True(ApplicationStateMachine.Apply(state, At(30, new ClientSeen("alice"))));
        Assert.False(ApplicationStateMachine.Apply(state, At(20, new ClientSeen("alice"))));
        var clients = ApplicationStateMachine.Snapshot(state, Header, []).Clients!;

        Assert.Equal((true, T0, T0.AddSeconds(30)), (clients[0].Registered, clients[0].Since, clients[0].LastSeenAt));
        Assert.Equal(T0, clients[1].LastSeenAt);
    }

    [Fact]
    public void ClientSeenOnlyThroughActivityIsNotCountedAsRegistered()
    {
        var (_, application) = Application(At(30, new ClientSeen("carol")));

        Assert.Equal((0, false, null), (application.RegisteredClients, application.Clients![0].Registered, application.Clients[0].Since));
    }
}
