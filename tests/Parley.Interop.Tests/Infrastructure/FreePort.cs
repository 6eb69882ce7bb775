using System.Net;
using System.Net.Sockets;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Loopback ports chosen free at run time, so parallel runs and leftover processes do not collide.</summary>
internal static class FreePort
{
    /// <summary>A free port other than <paramref name="except"/> (two calls may otherwise get the same one back).</summary>
    public static int Next(int except = 0)
    {
        var port = Pick();
        while (port == except)
        {
            port = Pick();
        }

        return port;
    }

    private static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
