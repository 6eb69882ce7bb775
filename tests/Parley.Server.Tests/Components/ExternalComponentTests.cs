using System.Security.Cryptography;
using System.Text;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Components;

/// <summary>XEP-0114 external components over the component listener, refusals included, with raw streams.</summary>
public sealed class ExternalComponentTests
{
    private const string ComponentDomain = "echo.localhost";
    private const string Secret = "s3cret";

    private static readonly (string, string)[] Settings =
    [
        ("Components:Port", "5347"),
        ("Components:Secrets:" + ComponentDomain, Secret),
    ];

    [Fact]
    [Trait("Conformance", "XEP-0114 §3")]
    public async Task A_component_handshakes_and_exchanges_stanzas_with_a_user()
    {
        var (server, juliet) = await StartAsync();
        await using (server)
        await using (juliet)
        await using (var component = await ConnectAsync(server, ComponentDomain, Secret))
        {
            await juliet.SendAsync("<message to='bot@echo.localhost/x' type='chat' id='m1'><body>hello</body></message>");
            var received = await component.ExpectAsync("message", Namespaces.ComponentAccept);
            Assert.Equal("juliet@localhost/balcony", received.GetAttribute("from"));
            Assert.Equal("hello", received.ChildText("body", Namespaces.ComponentAccept));

            await component.SendAsync("<message from='bot@echo.localhost/x' to='juliet@localhost/balcony' type='chat' id='r1'><body>hello back</body></message>");
            var answer = await juliet.ExpectStanzaAsync("message");
            Assert.Equal("bot@echo.localhost/x", answer.GetAttribute("from"));
            Assert.Equal("hello back", answer.ChildText("body", Namespaces.Client));

            // The component asks the server itself; the answer comes back on its own stream.
            await component.SendAsync("<iq from='echo.localhost' to='localhost' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
            var pong = await component.ExpectAsync("iq", Namespaces.ComponentAccept);
            Assert.Equal(("p1", "result"), (pong.GetAttribute("id"), pong.GetAttribute("type")));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §3 XEP-0030 §4")]
    public async Task The_servers_disco_items_list_the_component_domain()
    {
        var (server, juliet) = await StartAsync();
        await using (server)
        await using (juliet)
        {
            var items = await juliet.AskAsync("<iq to='localhost' type='get' id='d1'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
            var listed = items.Child("query", Namespaces.DiscoItems)!.Children().Select(i => i.GetAttribute("jid"));
            // The MUC service (Muc:Enabled, on by default) is an internal component listed beside it.
            Assert.Equal(["conference.localhost", ComponentDomain], listed);
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §3")]
    public async Task A_wrong_secret_is_not_authorized()
    {
        await using var server = await TestServer.StartAsync(Settings);
        await using var component = await OpenAsync(server, ComponentDomain);
        await component.Stream.SendAsync($"<handshake>{Handshake(component.Id, "guess")}</handshake>");
        await component.Stream.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §3 RFC 6120 §4.9.3.6")]
    public async Task An_unknown_component_domain_is_host_unknown()
    {
        await using var server = await TestServer.StartAsync(Settings);
        await using var component = await RawStream.ConnectAsync(server.Component);
        await component.SendAsync(Header("nobody.localhost"));
        await component.ExpectStreamErrorAsync(StreamErrorCondition.HostUnknown);

        // A user domain is not a component's either.
        await using var user = await RawStream.ConnectAsync(server.Component);
        await user.SendAsync(Header("localhost"));
        await user.ExpectStreamErrorAsync(StreamErrorCondition.HostUnknown);
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §3 RFC 6120 §4.9.3.12")]
    public async Task Data_before_the_handshake_is_not_authorized()
    {
        await using var server = await TestServer.StartAsync(Settings);
        await using var component = await OpenAsync(server, ComponentDomain);
        await component.Stream.SendAsync("<message from='bot@echo.localhost' to='juliet@localhost'><body>early</body></message>");
        await component.Stream.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §3 RFC 6120 §4.9.3.9")]
    public async Task A_from_outside_the_components_domain_is_invalid_from()
    {
        var (server, juliet) = await StartAsync();
        await using (server)
        await using (juliet)
        await using (var component = await ConnectAsync(server, ComponentDomain, Secret))
        {
            await component.SendAsync("<message from='romeo@localhost/garden' to='juliet@localhost/balcony'><body>spoofed</body></message>");
            await component.ExpectStreamErrorAsync(StreamErrorCondition.InvalidFrom);

            // Nothing reached the user.
            await juliet.ExpectNothingPendingAsync();
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §3 RFC 6120 §4.9.3.3")]
    public async Task A_second_connection_of_a_connected_component_is_conflict_and_the_first_keeps_serving()
    {
        var (server, juliet) = await StartAsync();
        await using (server)
        await using (juliet)
        await using (var first = await ConnectAsync(server, ComponentDomain, Secret))
        {
            await using (var second = await OpenAsync(server, ComponentDomain))
            {
                await second.Stream.SendAsync($"<handshake>{Handshake(second.Id, Secret)}</handshake>");
                await second.Stream.ExpectStreamErrorAsync(StreamErrorCondition.Conflict);
            }

            await juliet.SendAsync("<message to='echo.localhost' type='chat' id='m2'><body>still there?</body></message>");
            Assert.Equal("m2", (await first.ExpectAsync("message", Namespaces.ComponentAccept)).GetAttribute("id"));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §3 RFC 6120 §8.3.3.19")]
    public async Task A_component_that_is_not_connected_is_service_unavailable()
    {
        var (server, juliet) = await StartAsync();
        await using (server)
        await using (juliet)
        {
            await juliet.SendAsync("<message to='bot@echo.localhost' type='chat' id='m3'><body>anyone?</body></message>");
            Assert.Equal("service-unavailable", Exchange.Condition(await juliet.ExpectStanzaAsync("message")));

            // Connected, then gone again: the domain is free for the next connection and unavailable meanwhile.
            await using (var component = await ConnectAsync(server, ComponentDomain, Secret))
            {
                await component.SendAsync("</stream:stream>");
                await component.ExpectClosedAsync();
            }

            var iq = await juliet.AskAsync("<iq to='echo.localhost' type='get' id='i3'><ping xmlns='urn:xmpp:ping'/></iq>");
            Assert.Equal("service-unavailable", Exchange.Condition(iq));
            await using var again = await ConnectAsync(server, ComponentDomain, Secret);
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §3")]
    public async Task A_component_stream_has_the_client_parser_limits()
    {
        var (server, juliet) = await StartAsync(("Limits:MaxStanzaBytes", "1024"));
        await using (server)
        await using (juliet)
        await using (var component = await ConnectAsync(server, ComponentDomain, Secret))
        {
            await component.SendAsync($"<message from='echo.localhost' to='juliet@localhost'><body>{new string('x', 2048)}</body></message>");
            await component.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §1")]
    public async Task A_remote_server_authenticates_to_a_component_domain_and_its_stanzas_reach_the_component()
    {
        // Parley as b.example with the component bot.b.example; x.example is a raw server-to-server peer.
        const string Bot = "bot.b.example";
        var (server, authority) = await Federation.RawPeerTests.StartAsync(settings: [("Components:Port", "5347"), ("Components:Secrets:" + Bot, Secret)]);
        await using var _ = authority;
        await using var __ = server;
        await using var component = await ConnectAsync(server, Bot, Secret);
        await using var peer = await RawStream.ConnectAsync(server.S2s);

        Assert.Equal("valid", (await Federation.RawPeerTests.DialbackAsync(peer, "x.example", to: Bot)).GetAttribute("type"));
        await peer.SendAsync($"<message from='alice@x.example/home' to='echo@{Bot}' type='chat' id='m1'><body>ping</body></message>");

        var received = await component.ExpectAsync("message", Namespaces.ComponentAccept);
        Assert.Equal(("alice@x.example/home", "echo@" + Bot, "ping"), (received.GetAttribute("from"), received.GetAttribute("to"), received.ChildText("body", Namespaces.ComponentAccept)));
    }

    private static async Task<(TestServer Server, RawStream Juliet)> StartAsync(params (string, string)[] more)
    {
        var server = await TestServer.StartAsync([.. Settings, .. more]);
        await server.CreateAccountAsync("juliet", "secret");
        var juliet = await RawStream.ConnectAsync(server.C2s);
        await juliet.LoginAsync("juliet", "secret", "balcony");
        return (server, juliet);
    }

    private static string Header(string domain) =>
        $"<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='{domain}'>";

    private static string Handshake(string streamId, string secret) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(streamId + secret)));

    /// <summary>Opens a component stream and returns it with the stream id the server's header gave.</summary>
    private static async Task<OpenComponent> OpenAsync(TestServer server, string domain)
    {
        var stream = await RawStream.ConnectAsync(server.Component);
        await stream.SendAsync(Header(domain));
        var header = await stream.ExpectHeaderAsync();
        Assert.Equal(domain, header.GetAttribute("from"));
        return new OpenComponent(stream, header.GetAttribute("id")!);
    }

    /// <summary>A component stream past its handshake (XEP-0114 §3), for tests whose fake services are components.</summary>
    internal static async Task<RawStream> ConnectAsync(TestServer server, string domain, string secret)
    {
        var (stream, id) = await OpenAsync(server, domain);
        await stream.SendAsync($"<handshake>{Handshake(id, secret).ToUpperInvariant()}</handshake>");
        var welcome = await stream.ExpectAsync("handshake", Namespaces.ComponentAccept);
        Assert.Equal("", welcome.Text);
        return stream;
    }

    private sealed record OpenComponent(RawStream Stream, string Id) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Stream.DisposeAsync();
    }
}
