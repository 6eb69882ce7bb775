using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// Issue 11 item 2: what remote peers and local users can make Parley dial. Outbound connections
/// are counted apart from the listeners, with caps overall and per remote address; each inbound
/// stream has a cap on its pending dialback verifications; addresses found through DNS are dialled
/// only when public unless S2s:AllowPrivateAddresses.
/// </summary>
public sealed class FederationLimitsTests
{
    /// <summary>A remote that accepts, reads Parley's header and never answers; each accepted stream releases <see cref="Reached"/>.</summary>
    private sealed class SilentRemote : IAsyncDisposable
    {
        private readonly ScriptedRemote _remote;

        public SilentRemote() => _remote = ScriptedRemote.Start(async raw =>
        {
            await raw.ExpectHeaderAsync();
            Reached.Release();
            while (await raw.NextAsync() is { Kind: XmlStreamEventKind.Element })
            {
                // Whatever Parley says, no answer.
            }
        });

        public SemaphoreSlim Reached { get; } = new(0);

        public string Route => $"127.0.0.1:{_remote.EndPoint.Port}";

        public int Port => _remote.EndPoint.Port;

        public int Accepted => _remote.Accepted;

        public async Task ReachedAsync() => Assert.True(await Reached.WaitAsync(TimeSpan.FromSeconds(15)), "Parley did not reach the remote");

        public ValueTask DisposeAsync() => _remote.DisposeAsync();
    }

    [Fact]
    public async Task Outbound_connections_do_not_count_against_clients_and_have_their_own_cap()
    {
        await using var silent = new SilentRemote();
        await using var server = await TestServer.StartAsync(
            ("Limits:MaxConnections", "2"),
            ("S2s:MaxOutboundConnections", "2"),
            ("S2s:Routes:one.example", silent.Route),
            ("S2s:Routes:two.example", silent.Route),
            ("S2s:Routes:three.example", silent.Route));
        await server.CreateAccountAsync("alice", "secret");
        await server.CreateAccountAsync("carol", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        await alice.SendAsync("<message to='bob@one.example' type='chat' id='m1'><body>1</body></message>");
        await alice.SendAsync("<message to='bob@two.example' type='chat' id='m2'><body>2</body></message>");
        await silent.ReachedAsync();
        await silent.ReachedAsync();

        // Two outbound streams are open, yet a second client fits in Limits:MaxConnections=2.
        await using var carol = await ImClient.LoginAsync(server, "carol", "desk");

        // A third remote domain is over S2s:MaxOutboundConnections: bounced at once.
        await alice.SendAsync("<message to='bob@three.example' type='chat' id='m3'><body>3</body></message>");
        var bounce = await alice.WaitForAsync(e => e.GetAttribute("id") == "m3", "the bounce");
        Assert.Equal("resource-constraint", ImClient.Condition(bounce));
        Assert.Equal(2, silent.Accepted);
    }

    [Fact]
    public async Task Outbound_connections_to_one_address_are_capped()
    {
        await using var silent = new SilentRemote();
        await using var server = await TestServer.StartAsync(
            ("S2s:MaxOutboundConnectionsPerAddress", "1"),
            ("S2s:Routes:one.example", silent.Route),
            ("S2s:Routes:two.example", silent.Route));
        await server.CreateAccountAsync("alice", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        await alice.SendAsync("<message to='bob@one.example' type='chat' id='m1'><body>1</body></message>");
        await silent.ReachedAsync();
        await alice.SendAsync("<message to='bob@two.example' type='chat' id='m2'><body>2</body></message>");
        var bounce = await alice.WaitForAsync(e => e.GetAttribute("id") == "m2", "the bounce");
        Assert.Equal("resource-constraint", ImClient.Condition(bounce));
        Assert.Equal(1, silent.Accepted);
    }

    [Fact]
    [Trait("Conformance", "XEP-0220 §2.4")]
    public async Task Pending_verifications_per_inbound_stream_are_capped()
    {
        await using var silent = new SilentRemote();
        await using var server = await TestServer.StartAsync(
            ("S2s:MaxPendingVerificationsPerStream", "2"),
            ("S2s:CertificatePolicy", "off"),
            ("S2s:Routes:d1.example", silent.Route),
            ("S2s:Routes:d2.example", silent.Route),
            ("S2s:Routes:d3.example", silent.Route));
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        await raw.OpenAsync(
            "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' "
            + "xmlns:db='jabber:server:dialback' from='d1.example' to='localhost' version='1.0'>");

        await raw.SendAsync(
            "<db:result from='d1.example' to='localhost'>0000</db:result>"
            + "<db:result from='d2.example' to='localhost'>0000</db:result>"
            + "<db:result from='d3.example' to='localhost'>0000</db:result>");

        // The first two wait on a silent authority; the third is refused at once (XEP-0220 §2.4 error).
        var refused = await raw.ExpectAsync("result", Namespaces.Dialback);
        Assert.Equal("d3.example", refused.GetAttribute("to"));
        Assert.Equal("error", refused.GetAttribute("type"));
        Assert.NotNull(refused.Child("error", Namespaces.Server)?.Child("resource-constraint", Namespaces.Stanzas));
        await silent.ReachedAsync();
        await silent.ReachedAsync();
        Assert.Equal(2, silent.Accepted);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Private_addresses_found_through_dns_are_dialled_only_when_allowed(bool allowed)
    {
        // _xmpp-server._tcp.intranet.example points at localhost: loopback, reached through DNS.
        await using var silent = new SilentRemote();
        var (client, dns) = ScriptedDns.Create();
        dns.Srv("_xmpp-server._tcp.intranet.example", 0, 0, (ushort)silent.Port, "localhost.");
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton(client),
            ("S2s:AllowPrivateAddresses", allowed ? "true" : "false"));
        await server.CreateAccountAsync("alice", "secret");
        await using var alice = await SubscriptionTests.OnlineAsync(server, "alice", "phone");

        await alice.SendAsync("<message to='bob@intranet.example' type='chat' id='m1'><body>hi</body></message>");
        if (allowed)
        {
            await silent.ReachedAsync();
        }
        else
        {
            var bounce = await alice.WaitForAsync(e => e.GetAttribute("id") == "m1", "the bounce");
            Assert.Equal("remote-server-not-found", ImClient.Condition(bounce));
            Assert.Equal(0, silent.Accepted);
        }
    }
}
