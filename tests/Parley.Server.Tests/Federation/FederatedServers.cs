using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// Two real servers on loopback, a.example (alice) and b.example (bob), each with a static route
/// (S2s:Routes) to the other's s2s listener. Ports are chosen by the OS at start, so the routes
/// are written into each server's options once both listen, before the first outbound stream
/// builds the endpoint resolver that reads them.
/// </summary>
internal sealed class FederatedServers : IAsyncDisposable
{
    public const string DomainA = "a.example";
    public const string DomainB = "b.example";

    private FederatedServers(TestServer a, TestServer b)
    {
        A = a;
        B = b;
    }

    public TestServer A { get; }

    public TestServer B { get; }

    public static Task<FederatedServers> StartAsync(params (string Key, string Value)[] settings) => StartAsync(settings, settings);

    /// <param name="a">Settings of a.example's server.</param>
    /// <param name="b">Settings of b.example's server.</param>
    public static async Task<FederatedServers> StartAsync((string Key, string Value)[] a, (string Key, string Value)[] b)
    {
        var serverA = await TestServer.StartAsync([("Domains:0", DomainA), .. a]);
        TestServer? serverB = null;
        try
        {
            serverB = await TestServer.StartAsync([("Domains:0", DomainB), .. b]);
            Route(serverA, DomainB, serverB.S2s);
            Route(serverB, DomainA, serverA.S2s);
            await serverA.CreateAccountAsync("alice", "secret");
            await serverB.CreateAccountAsync("bob", "secret");
            return new FederatedServers(serverA, serverB);
        }
        catch
        {
            await serverA.DisposeAsync();
            if (serverB is not null)
            {
                await serverB.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>S2s:Routes:&lt;domain&gt; = 127.0.0.1:port on a started server.</summary>
    public static void Route(TestServer server, string domain, IPEndPoint endPoint) =>
        server.Services.GetRequiredService<IOptions<ParleyOptions>>().Value.S2s.Routes[domain] = $"127.0.0.1:{endPoint.Port}";

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
