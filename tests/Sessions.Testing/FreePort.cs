using System.Net;
using System.Net.Sockets;

namespace Sessions.Testing;

/// <summary>Loopback ports nobody listens on; every host in a test gets its own, since silo ports are shared silently otherwise.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Handed)
            {
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
