using Sessions.Canonical;

namespace Sessions.Abstractions.Clients;

/// <summary>
/// Clients never unregistered (an app killed, a gateway that crashed): a <c>registered</c> client not heard from for
/// <c>Silence:ClientUnregistersAfter</c> is shown <c>unregistered</c>, with <c>since</c> its last event time and
/// <c>unregisterReason</c> <see cref="Silent"/>; its next event makes it registered again. The index shards, the entity
/// GET and retention apply this same rule with the tracker's clock.
/// </summary>
public static class ClientSilenceRules
{
    /// <summary>The <c>unregisterReason</c> of a client unregistered by the tracker's clock, not by its provider.</summary>
    public const string Silent = "silent";

    /// <summary>Whether a client in <paramref name="status"/>, last heard from at <paramref name="lastEventAt"/>, is judged gone at <paramref name="now"/>.</summary>
    public static bool IsSilent(ClientStatus status, DateTimeOffset lastEventAt, DateTimeOffset now, TimeSpan unregistersAfter) =>
        status == ClientStatus.Registered && now - lastEventAt >= unregistersAfter;

    /// <summary>The client as it stands at <paramref name="now"/>; the same instance when the rule changes nothing.</summary>
    public static ClientSnapshot AsOf(ClientSnapshot client, DateTimeOffset now, TimeSpan unregistersAfter)
    {
        ArgumentNullException.ThrowIfNull(client);
        return IsSilent(client.Status, client.LastEventAt, now, unregistersAfter)
            ? client with { Status = ClientStatus.Unregistered, Since = client.LastEventAt, UnregisterReason = Silent }
            : client;
    }
}
