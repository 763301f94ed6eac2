using Sessions.Canonical;

namespace Sessions.Abstractions.Servers;

/// <summary>
/// What each health word means, in one place: the state machine, the index shards and the API apply the same rule.
/// The lifecycle and role give the health a provider event states; the tracker's clock adds silence: a server that
/// should be up (started or registered) and has sent nothing for <c>Fleet:SilentAfter</c> is down, and its next event
/// makes it healthy again.
/// </summary>
public static class ServerHealthRules
{
    /// <summary>Down: nothing heard (not even stats) for <c>Fleet:SilentAfter</c> while started or registered.</summary>
    public const string Silent = "silent";

    /// <summary>Down: it left its gateway (unregistered) without stopping.</summary>
    public const string Unregistered = "unregistered";

    /// <summary>Offline: it stopped cleanly.</summary>
    public const string Stopped = "stopped";

    /// <summary>Degraded: started, not registered yet (roles other than the gateway serve only once registered).</summary>
    public const string NotRegistered = "notRegistered";

    private const string Gateway = "gateway";

    /// <summary>The health (and its reason) that a lifecycle state of a role gives, before silence is considered.</summary>
    public static (ServerHealth Health, string? Reason) Of(ServerStatus state, string? role) => state switch
    {
        ServerStatus.Stopped => (ServerHealth.Offline, Stopped),
        ServerStatus.Unregistered => (ServerHealth.Down, Unregistered),
        ServerStatus.Registered => (ServerHealth.Healthy, null),
        _ when string.Equals(role, Gateway, StringComparison.OrdinalIgnoreCase) => (ServerHealth.Healthy, null),
        _ => (ServerHealth.Degraded, NotRegistered),
    };

    /// <summary>Whether a server in <paramref name="state"/>, last heard from at <paramref name="lastEventAt"/>, is silent at <paramref name="now"/>.</summary>
    public static bool IsSilent(ServerStatus state, DateTimeOffset lastEventAt, DateTimeOffset now, TimeSpan silentAfter) =>
        state is ServerStatus.Started or ServerStatus.Registered && now - lastEventAt >= silentAfter;

    /// <summary>
    /// The server as it stands at <paramref name="now"/>: silent, or with the health its state gives. The result does
    /// not depend on the health the snapshot held, so it can be applied again with a later clock or another setting;
    /// the same instance comes back when nothing changes.
    /// </summary>
    public static ServerSnapshot AsOf(ServerSnapshot server, DateTimeOffset now, TimeSpan silentAfter)
    {
        ArgumentNullException.ThrowIfNull(server);
        var (health, reason) = IsSilent(server.State, server.LastEventAt, now, silentAfter)
            ? (ServerHealth.Down, Silent)
            : Of(server.State, server.Role);
        return health == server.Health && reason == server.HealthReason ? server : server with { Health = health, HealthReason = reason };
    }

    /// <summary>When a server last heard from at <paramref name="lastEventAt"/> turns silent.</summary>
    public static DateTimeOffset SilentAt(DateTimeOffset lastEventAt, TimeSpan silentAfter) => lastEventAt + silentAfter;
}
