using System.Net;
using System.Net.Sockets;

namespace Sessions.Service.Notifications;

/// <summary>
/// Which receivers notifications may reach: by default none on loopback, private, link-local, multicast or unspecified
/// addresses (a subscription must not become a way into the tracker's own network), unless
/// <c>Notifications:AllowPrivateTargets</c>. Checked when a subscription is created or changed, and again on the
/// address each delivery actually connects to (a name may resolve differently later).
/// </summary>
internal static class NotificationTargets
{
    /// <summary>Null when <paramref name="address"/> may be reached; else why not.</summary>
    public static string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var refused = IPAddress.IsLoopback(address)
            || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || (address.AddressFamily is AddressFamily.InterNetwork && (
                bytes[0] is 10 or 0
                || (bytes[0] == 172 && bytes[1] is >= 16 and <= 31)
                || (bytes[0] == 192 && bytes[1] == 168)
                || (bytes[0] == 169 && bytes[1] == 254)
                || (bytes[0] == 100 && bytes[1] is >= 64 and <= 127)
                || bytes[0] >= 224))
            || (address.AddressFamily is AddressFamily.InterNetworkV6 && (
                address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal));
        return refused ? $"{address} is a loopback, private, link-local or multicast address (Notifications:AllowPrivateTargets is off)" : null;
    }

    /// <summary>Null when every address <paramref name="url"/>'s host resolves to may be reached; else why not.</summary>
    public static async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(url.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(url.IdnHost, cancellationToken);
        }
        catch (SocketException ex)
        {
            return $"the host {url.Host} does not resolve ({ex.SocketErrorCode})";
        }

        return addresses.Select(Refusal).FirstOrDefault(r => r is not null);
    }
}
