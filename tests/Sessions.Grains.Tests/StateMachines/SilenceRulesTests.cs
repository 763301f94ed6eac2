using Sessions.Abstractions.Clients;
using Sessions.Abstractions.Sessions;
using Sessions.Canonical;

namespace Sessions.Grains.Tests.StateMachines;

/// <summary>Sessions and clients whose provider never sends their end, judged by the tracker's clock.</summary>
public sealed class SilenceRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan SixHours = TimeSpan.FromHours(6);

    [Theory]
    [InlineData(SessionStatus.Active, 359, SessionStatus.Active, null)]
    [InlineData(SessionStatus.Active, 360, SessionStatus.Ended, "silent")]
    [InlineData(SessionStatus.Ended, 6000, SessionStatus.Ended, "meeting over")]
    public void AnActiveSessionSilentForTheThresholdIsEndedAtItsLastEvent(SessionStatus status, int minutesLater, SessionStatus expected, string? reason)
    {
        var session = Session(status, status == SessionStatus.Ended ? "meeting over" : null);

        var now = SessionSilenceRules.AsOf(session, T0.AddMinutes(minutesLater), SixHours);

        Assert.Equal((expected, reason), (now.Status, now.EndReason));
        Assert.Equal(expected == SessionStatus.Ended ? T0 : null, now.EndedAt);
        Assert.Equal(expected == status, ReferenceEquals(now, session));
    }

    [Theory]
    [InlineData(ClientStatus.Registered, 1439, ClientStatus.Registered, null)]
    [InlineData(ClientStatus.Registered, 1440, ClientStatus.Unregistered, "silent")]
    [InlineData(ClientStatus.Unregistered, 6000, ClientStatus.Unregistered, null)]
    public void ARegisteredClientSilentForTheThresholdIsUnregisteredSinceItsLastEvent(ClientStatus status, int minutesLater, ClientStatus expected, string? reason)
    {
        var client = new ClientSnapshot("liveswitch", "c-1", "app", status, null, null, null, null, null, null, null, null, null, null, T0.AddHours(-1), T0.AddHours(-2), T0, null);

        var now = ClientSilenceRules.AsOf(client, T0.AddMinutes(minutesLater), TimeSpan.FromDays(1));

        Assert.Equal((expected, reason), (now.Status, now.UnregisterReason));
        Assert.Equal(reason is null ? T0.AddHours(-1) : T0, now.Since);
    }

    private static SessionSnapshot Session(SessionStatus status, string? reason) =>
        new("liveswitch", "room-1", status, T0.AddHours(-1), status == SessionStatus.Ended ? T0 : null, null, null, reason, null, 0, 0, null, [], [], [], [], T0, null);
}
