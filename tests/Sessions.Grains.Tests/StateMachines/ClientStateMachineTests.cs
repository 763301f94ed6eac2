using Sessions.Abstractions.Clients;
using Sessions.Grains.Clients;
using Sessions.Canonical;
using static Sessions.Grains.Tests.StateMachines.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>LiveSwitch client presence: <c>client.registered</c> / <c>client.unregistered</c> and client activity.</summary>
public sealed class ClientStateMachineTests
{
    private static readonly ClientInfo Laptop = new("alice", "Alice", "dev-1", "alice-laptop", "presenter", "us-east", ["host"], "websocket", "1.17.4", "windows");

    private static CanonicalEvent Registration(bool registered, double seconds, ClientInfo? info = null) =>
        At(seconds, new ClientRegistrationChanged("app-1", registered, info ?? Laptop));

    [Fact]
    public void ARegisteredClientCountsForItsApplicationUntilItUnregisters()
    {
        var (registered, snapshot) = Client(Registration(true, 0));
        var (unregistered, _) = Client(Registration(true, 0), Registration(false, 10));

        Assert.Equal((ClientStatus.Registered, "app-1", T0), (snapshot.Status, snapshot.ApplicationId, snapshot.Since));
        Assert.Equal(
            new Dictionary<string, string> { [ClientFacets.Application] = "app-1", [ClientFacets.RegisteredApplication] = "app-1" },
            ClientStateMachine.Facets(registered));
        Assert.Null(ClientStateMachine.FinishedAt(registered));

        Assert.Equal("unregistered", ClientStateMachine.Status(unregistered));
        Assert.Equal(new Dictionary<string, string> { [ClientFacets.Application] = "app-1" }, ClientStateMachine.Facets(unregistered));
        Assert.Equal(T0.AddSeconds(10), ClientStateMachine.FinishedAt(unregistered));
    }

    [Fact]
    public void ALateRegistrationDoesNotBringBackAClientThatUnregisteredLater()
    {
        var (state, _) = Client(Registration(false, 10));

        Assert.False(ClientStateMachine.Apply(state, Registration(true, 0)));
        Assert.Equal("unregistered", ClientStateMachine.Status(state));
    }

    [Fact]
    public void UnregisteredWinsATie()
    {
        var (_, snapshot) = Client(Registration(false, 5), Registration(true, 5));

        Assert.Equal(ClientStatus.Unregistered, snapshot.Status);
    }

    [Fact]
    public void ActivityMovesTheFactsButNotTheRegistration()
    {
        var (state, _) = Client(Registration(true, 0));
        var phone = Laptop with { DeviceAlias = "alice-phone", OperatingSystem = "android" };

        Assert.True(ClientStateMachine.Apply(state, At(30, new ClientActive("app-1", phone))));
        Assert.False(ClientStateMachine.Apply(state, At(20, new ClientActive("app-1", Laptop))));
        var snapshot = ClientStateMachine.Snapshot(state, Header, []);

        Assert.Equal((ClientStatus.Registered, T0, "alice-phone", "android"), (snapshot.Status, snapshot.Since, snapshot.DeviceAlias, snapshot.OperatingSystem));
    }

    [Fact]
    public void AClientSeenOnlyThroughActivityCountsAsRegistered()
    {
        var (state, snapshot) = Client(At(30, new ClientActive("app-1")));

        Assert.Equal((ClientStatus.Registered, null), (snapshot.Status, snapshot.Since));
        Assert.Equal("app-1", ClientStateMachine.Facets(state)[ClientFacets.RegisteredApplication]);
    }

    [Fact]
    public void TheSameClientObjectFromANewerEventChangesNothing()
    {
        var (state, _) = Client(Registration(true, 0, Laptop));

        Assert.False(ClientStateMachine.Apply(state, At(5, new ClientActive("app-1", Laptop with { Roles = ["host"] }))));
    }

    [Fact]
    public void TheListItemLeavesOutIdsAndSoftwareFacts()
    {
        var (state, _) = Client(Registration(true, 0));
        var item = ClientStateMachine.ListItem(state, Header);

        Assert.Equal(("Alice", "alice-laptop", "us-east", "presenter"), (item.UserAlias, item.DeviceAlias, item.Region, item.Tag));
        Assert.Equal((null, null, null, null, null), (item.UserId, item.DeviceId, item.Roles, item.Version, item.Timeline));
    }
}
