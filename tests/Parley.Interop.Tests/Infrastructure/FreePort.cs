using System.Net;
using System.Net.Sockets;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Loopback ports chosen free at run time, so parallel runs and leftover processes do not collide.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
