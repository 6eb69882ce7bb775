using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// Two real servers on loopback, a.example (alice) and b.example (bob), each with a static route
/// (S2s:Routes) to the other's s2s listener. Ports are chosen by the OS at start, so the routes
/// are written into each server's options once both listen, before any stanza needs them.
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

    public static async Task<FederatedServers> StartAsync(params (string Key, string Value)[] settings)
    {
        var a = await TestServer.StartAsync([("Domains:0", DomainA), .. settings]);
        TestServer? b = null;
        try
        {
            b = await TestServer.StartAsync([("Domains:0", DomainB), .. settings]);
            Route(a, DomainB, b.S2s);
            Route(b, DomainA, a.S2s);
            await a.CreateAccountAsync("alice", "secret");
            await b.CreateAccountAsync("bob", "secret");
            return new FederatedServers(a, b);
        }
        catch
        {
            await a.DisposeAsync();
            if (b is not null)
            {
                await b.DisposeAsync();
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
