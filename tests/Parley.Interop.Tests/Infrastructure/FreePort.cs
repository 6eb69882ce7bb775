using System.Net;
using System.Net.Sockets;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Loopback ports chosen free at run time, so parallel runs and leftover processes do not collide.</summary>
internal static class FreePort
{
    /// <summary>A free port other than <paramref name="except"/> (two calls may otherwise get the same one back).</summary>
    public static int Next(int except = 0) => Next(IPAddress.Loopback, except);

    /// <summary>A TCP port free on <paramref name="address"/> (any 127.x address is loopback on Linux), other than those in <paramref name="except"/>.</summary>
    public static int Next(IPAddress address, params int[] except)
    {
        var port = Pick(address);
        while (except.Contains(port))
        {
            port = Pick(address);
        }

        return port;
    }

    /// <summary>A UDP port free on <paramref name="address"/>, for a DNS server.</summary>
    public static int NextUdp(IPAddress address)
    {
        using var socket = new UdpClient(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    private static int Pick(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
