using DnsClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Federation;
using Parley.Server.Hosting;
using Parley.Server.Tests.Storage;

namespace Parley.Server.Tests.Federation;

/// <summary>RFC 6120 §3.2, XEP-0368 §3 and RFC 2782: where a remote domain is reached, in order.</summary>
public sealed class S2sEndpointResolverTests
{
    private readonly (ILookupClient Client, ScriptedDns Script) _dns = ScriptedDns.Create();

    private ScriptedDns Dns => _dns.Script;

    [Fact]
    public async Task A_static_route_wins_without_any_lookup()
    {
        Dns.Srv("_xmpp-server._tcp.prosody.example", 0, 0, 5269, "elsewhere.example.net.");
        var resolver = Resolver(routes: ("Prosody.Example.", "127.0.0.2:15269"));

        var endpoints = await resolver.ResolveAsync("PROSODY.example", CancellationToken.None);

        Assert.Equal([new S2sEndpoint("127.0.0.2", 15269, DirectTls: false, StaticRoute: true)], endpoints);
        Assert.Empty(Dns.Queries);
    }

    [Fact]
    public async Task Both_services_are_merged_by_priority()
    {
        Dns.Srv("_xmpps-server._tcp.remote.example", 5, 0, 5270, "tls.remote.example.")
            .Srv("_xmpp-server._tcp.remote.example", 10, 0, 5269, "last.remote.example.")
            .Srv("_xmpp-server._tcp.remote.example", 1, 0, 5269, "first.remote.example.");

        var endpoints = await Resolver().ResolveAsync("remote.example", CancellationToken.None);

        Assert.Equal(
            [
                new S2sEndpoint("first.remote.example", 5269, DirectTls: false),
                new S2sEndpoint("tls.remote.example", 5270, DirectTls: true),
                new S2sEndpoint("last.remote.example", 5269, DirectTls: false),
            ],
            endpoints);
        Assert.Equal(["_xmpp-server._tcp.remote.example", "_xmpps-server._tcp.remote.example"], Dns.Queries.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Within_a_priority_the_weighted_draw_of_rfc_2782_picks_the_order()
    {
        Dns.Srv("_xmpp-server._tcp.remote.example", 1, 10, 5269, "ten.remote.example.")
            .Srv("_xmpps-server._tcp.remote.example", 1, 0, 5223, "zero.remote.example.")
            .Srv("_xmpp-server._tcp.remote.example", 1, 30, 5269, "thirty.remote.example.")
            .Srv("_xmpp-server._tcp.remote.example", 2, 0, 5269, "backup.remote.example.");
        // Zero weights go first in the list: [zero 0, ten 10, thirty 30], running sums 0, 10, 40.
        // A draw of 5 picks ten; of [zero 0, thirty 30], a draw of 0 picks zero; then thirty.
        var random = new ScriptedRandom(5, 0, 17);

        var endpoints = await Resolver(random).ResolveAsync("remote.example", CancellationToken.None);

        Assert.Equal(["ten", "zero", "thirty", "backup"], endpoints.Select(e => e.Host.Split('.')[0]));
        Assert.True(endpoints[1].DirectTls);
        Assert.Equal([41, 31, 31, 1], random.Bounds);
    }

    [Fact]
    public async Task The_weighted_draw_follows_the_weights()
    {
        Dns.Srv("_xmpp-server._tcp.remote.example", 0, 90, 5269, "heavy.remote.example.")
            .Srv("_xmpp-server._tcp.remote.example", 0, 10, 5269, "light.remote.example.");
        var resolver = Resolver(new Random(6120));

        var heavyFirst = 0;
        for (var i = 0; i < 1000; i++)
        {
            heavyFirst += (await resolver.ResolveAsync("remote.example", CancellationToken.None))[0].Host.StartsWith("heavy", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.InRange(heavyFirst, 850, 950);
    }

    [Fact]
    public async Task Without_records_the_domain_itself_on_5269_in_a_labels()
    {
        var endpoints = await Resolver().ResolveAsync("Bücher.example", CancellationToken.None);

        Assert.Equal([new S2sEndpoint("xn--bcher-kva.example", 5269, DirectTls: false)], endpoints);
        Assert.Equal(["_xmpp-server._tcp.xn--bcher-kva.example", "_xmpps-server._tcp.xn--bcher-kva.example"], Dns.Queries.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Failed_lookups_fall_back_like_empty_ones()
    {
        Dns.Throws("_xmpps-server._tcp.remote.example").Fails("_xmpp-server._tcp.remote.example");

        var endpoints = await Resolver().ResolveAsync("remote.example", CancellationToken.None);

        Assert.Equal([new S2sEndpoint("remote.example", 5269, DirectTls: false)], endpoints);
    }

    [Fact]
    public async Task A_dot_target_for_xmpp_server_means_no_service_at_all()
    {
        Dns.Srv("_xmpp-server._tcp.remote.example", 0, 0, 0, ".");

        Assert.Empty(await Resolver().ResolveAsync("remote.example", CancellationToken.None));
    }

    [Fact]
    public async Task A_dot_target_for_xmpps_server_means_only_no_direct_tls()
    {
        Dns.Srv("_xmpps-server._tcp.remote.example", 0, 0, 0, ".");
        Assert.Equal([new S2sEndpoint("remote.example", 5269, DirectTls: false)], await Resolver().ResolveAsync("remote.example", CancellationToken.None));

        Dns.Srv("_xmpp-server._tcp.remote.example", 0, 0, 5269, "xmpp.remote.example.");
        Assert.Equal([new S2sEndpoint("xmpp.remote.example", 5269, DirectTls: false)], await Resolver().ResolveAsync("remote.example", CancellationToken.None));
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("[2001:db8::7]", "2001:db8::7")]
    public async Task An_ip_literal_domain_is_its_own_endpoint_only_when_allowed(string domain, string host)
    {
        // Issue 11 item 2: refused by default, so no peer can make this server dial an address of its choosing.
        Assert.Empty(await Resolver().ResolveAsync(domain, CancellationToken.None));
        Assert.Equal([new S2sEndpoint(host, 5269, DirectTls: false)], await Resolver(allowIpLiterals: true).ResolveAsync(domain, CancellationToken.None));
        Assert.Empty(Dns.Queries);
    }

    [Fact]
    public async Task An_invalid_domain_has_no_endpoint()
    {
        Assert.Empty(await Resolver().ResolveAsync("not a domain", CancellationToken.None));
        Assert.Empty(Dns.Queries);
    }

    [Fact]
    public async Task The_server_host_registers_the_resolver_and_the_validator()
    {
        using var data = new TempDataDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDirectory"] = data.Path,
            ["S2s:Routes:prosody.example"] = "[::1]:15269",
        }).Build();
        using var host = ServerHost.Build(configuration, services => services.AddSingleton(_dns.Client), ephemeralPorts: true, consoleLogging: false);

        var resolver = host.Services.GetRequiredService<S2sEndpointResolver>();

        Assert.Equal([new S2sEndpoint("::1", 15269, DirectTls: false, StaticRoute: true)], await resolver.ResolveAsync("prosody.example", CancellationToken.None));
        Assert.Equal([new S2sEndpoint("elsewhere.example", 5269, DirectTls: false)], await resolver.ResolveAsync("elsewhere.example", CancellationToken.None));
        Assert.Equal(2, Dns.Queries.Count);
        Assert.Equal(S2sCertificatePolicy.Dialback, host.Services.GetRequiredService<PeerCertificateValidator>().PolicyFor("prosody.example"));
    }

    private S2sEndpointResolver Resolver(Random? random = null, bool allowIpLiterals = false, params (string Domain, string Route)[] routes)
    {
        var options = new ParleyOptions { S2s = { AllowIpLiteralDomains = allowIpLiterals } };
        foreach (var (domain, route) in routes)
        {
            options.S2s.Routes[domain] = route;
        }

        return new S2sEndpointResolver(Options.Create(options), _dns.Client, random ?? Random.Shared);
    }

    private S2sEndpointResolver Resolver(params (string Domain, string Route)[] routes) => Resolver(null, false, routes);

    /// <summary>Returns the scripted draws (the last one repeating) and records each exclusive upper bound asked for.</summary>
    private sealed class ScriptedRandom(params int[] draws) : Random
    {
        private int _next;

        public List<int> Bounds { get; } = [];

        public override int Next(int minValue, int maxValue)
        {
            Assert.Equal(0, minValue);
            Bounds.Add(maxValue);
            var draw = draws[Math.Min(_next++, draws.Length - 1)];
            return Math.Min(draw, maxValue - 1);
        }
    }
}
