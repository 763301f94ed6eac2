using System.Net;
using System.Net.Sockets;

namespace Sessions.Testing;

/// <summary>
/// Loopback ports nobody listens on; every host in a test gets its own, since silo ports are shared silently otherwise.
/// They are drawn below Linux's ephemeral range (32768 and up): a port the kernel handed out could be taken again as the
/// local end of an outgoing connection (the tests open many, to PostgreSQL among others) before its host binds it.
/// </summary>
public static class FreePort
{
    private const int First = 20000;
    private const int End = 32768;

    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        while (true)
        {
            var port = Random.Shared.Next(First, End);
            lock (Handed)
            {
                if (Handed.Contains(port) || !Bindable(port))
                {
                    continue;
                }

                Handed.Add(port);
                return port;
            }
        }
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
