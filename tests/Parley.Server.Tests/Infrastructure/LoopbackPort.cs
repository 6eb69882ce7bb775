using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>Ports for servers a test starts through the command line, which takes a port number rather than a listener.</summary>
internal static class LoopbackPort
{
    /// <summary>A port that was free on 127.0.0.1 a moment ago (the operating system's choice).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
