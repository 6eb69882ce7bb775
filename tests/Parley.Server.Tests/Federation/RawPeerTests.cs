using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Federation;
using Parley.Server.Hosting;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// A raw test stream plays a remote server toward Parley (b.example): it proves made-up domains by
/// dialback, with <see cref="FakeAuthority"/> answering Parley's db:verify, then sends exact stanzas.
/// The made-up domains run with certificate policy "off" so the raw stream needs no TLS.
/// </summary>
public sealed class RawPeerTests
{
    internal const string Domain = "b.example";

    /// <summary>Parley as b.example with the account bob; x.example and y.example are the raw stream's domains.</summary>
    internal static async Task<(TestServer Server, FakeAuthority Authority)> StartAsync(string verdict = "valid", params (string Key, string Value)[] settings)
    {
        var authority = FakeAuthority.Start(verdict);
        var server = await TestServer.StartAsync(
        [
            ("Domains:0", Domain),
            ("S2s:DomainPolicies:x.example", "off"),
            ("S2s:DomainPolicies:y.example", "off"),
            ("S2s:Routes:x.example", $"127.0.0.1:{authority.EndPoint.Port}"),
            ("S2s:Routes:y.example", $"127.0.0.1:{authority.EndPoint.Port}"),
            .. settings,
        ]);
        await server.CreateAccountAsync("bob", "secret");
        return (server, authority);
    }

    private static string Header(string from, string to) =>
        "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' "
        + $"xmlns:db='jabber:server:dialback' from='{from}' to='{to}' version='1.0'>";

    /// <summary>Opens the stream as the domain and runs dialback for it toward <paramref name="to"/> (default b.example, XEP-0220 §2.1); returns the db:result answer.</summary>
    internal static async Task<Element> DialbackAsync(RawStream raw, string from, bool open = true, string to = Domain)
    {
        if (open)
        {
            await raw.SendAsync(Header(from, to));
            var header = await raw.ExpectHeaderAsync();
            Assert.NotNull(header.GetAttribute("id"));
            var features = await raw.ExpectAsync("features", Namespaces.Streams);
            Assert.NotNull(features.Child("dialback", Namespaces.DialbackFeature));
        }

        await raw.SendAsync($"<db:result from='{from}' to='{to}'>0123456789abcdef</db:result>");
        var result = await raw.ExpectAsync("result", Namespaces.Dialback);
        Assert.Equal(from, result.GetAttribute("to"));
        Assert.Equal(to, result.GetAttribute("from"));
        return result;
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.9 §13.1")]
    public async Task A_forged_from_on_an_authenticated_stream_is_invalid_from()
    {
        var (server, authority) = await StartAsync();
        await using var _ = authority;
        await using var __ = server;
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        Assert.Equal("valid", (await DialbackAsync(raw, "x.example")).GetAttribute("type"));

        // x.example is proven; a.example is not: the stream ends with <invalid-from/>.
        await raw.SendAsync("<message from='mallory@a.example' to='bob@b.example' type='chat'><body>trust me</body></message>");
        await raw.ExpectStreamErrorAsync(StreamErrorCondition.InvalidFrom);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.6")]
    public async Task A_stanza_for_a_domain_not_hosted_is_host_unknown()
    {
        var (server, authority) = await StartAsync();
        await using var _ = authority;
        await using var __ = server;
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        await DialbackAsync(raw, "x.example");

        await raw.SendAsync("<message from='eve@x.example' to='carol@elsewhere.example' type='chat'><body>relay this</body></message>");
        await raw.ExpectStreamErrorAsync(StreamErrorCondition.HostUnknown);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.7")]
    public async Task A_stanza_without_from_is_improper_addressing()
    {
        var (server, authority) = await StartAsync();
        await using var _ = authority;
        await using var __ = server;
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        await DialbackAsync(raw, "x.example");

        await raw.SendAsync("<message to='bob@b.example' type='chat'><body>who am I</body></message>");
        await raw.ExpectStreamErrorAsync(StreamErrorCondition.ImproperAddressing);
    }

    [Fact]
    [Trait("Conformance", "XEP-0220 §2.1.3 §2.3")]
    public async Task A_key_the_authority_rejects_is_invalid_and_stanzas_stay_out()
    {
        var (server, authority) = await StartAsync(verdict: "invalid");
        await using var _ = authority;
        await using var __ = server;
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        Assert.Equal("invalid", (await DialbackAsync(raw, "x.example")).GetAttribute("type"));

        await raw.SendAsync("<message from='eve@x.example' to='bob@b.example' type='chat'><body>let me in</body></message>");
        await raw.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
    }

    [Fact]
    [Trait("Conformance", "XEP-0220 §4.3")]
    public async Task A_second_domain_piggybacks_on_the_stream_and_its_stanzas_are_delivered()
    {
        var (server, authority) = await StartAsync();
        await using var _ = authority;
        await using var __ = server;
        await using var bob = await SubscriptionTests.OnlineAsync(server, "bob", "laptop");
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        Assert.Equal("valid", (await DialbackAsync(raw, "x.example")).GetAttribute("type"));
        Assert.Equal("valid", (await DialbackAsync(raw, "y.example", open: false)).GetAttribute("type"));

        await raw.SendAsync("<message from='eve@x.example/desk' to='bob@b.example' type='chat' id='x1'><body>from x</body></message>");
        await raw.SendAsync("<message from='yan@y.example/desk' to='bob@b.example' type='chat' id='y1'><body>from y</body></message>");
        var fromX = await bob.WaitForAsync(e => e.Name == "message" && e.GetAttribute("id") == "x1", "the message from x.example");
        var fromY = await bob.WaitForAsync(e => e.Name == "message" && e.GetAttribute("id") == "y1", "the message from y.example");
        Assert.Equal("eve@x.example/desk", fromX.GetAttribute("from"));
        Assert.Equal("from y", fromY.ChildText("body", Namespaces.Client));
    }

    [Fact]
    [Trait("Conformance", "XEP-0220 §2.3.2 XEP-0185 §2")]
    public async Task Db_verify_for_a_hosted_domain_is_answered_from_the_secret()
    {
        var (server, authority) = await StartAsync();
        await using var _ = authority;
        await using var __ = server;
        var secret = server.Services.GetRequiredService<ServerSecret>().Value;
        var key = DialbackKey.Generate(secret, "x.example", Domain, "stream-1");
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        await raw.SendAsync(Header("x.example", Domain));
        await raw.ExpectHeaderAsync();
        await raw.ExpectAsync("features", Namespaces.Streams);

        await raw.SendAsync($"<db:verify from='x.example' to='{Domain}' id='stream-1'>{key}</db:verify>");
        var valid = await raw.ExpectAsync("verify", Namespaces.Dialback);
        Assert.Equal("valid", valid.GetAttribute("type"));
        Assert.Equal("stream-1", valid.GetAttribute("id"));

        await raw.SendAsync($"<db:verify from='x.example' to='{Domain}' id='stream-2'>{key}</db:verify>");
        Assert.Equal("invalid", (await raw.ExpectAsync("verify", Namespaces.Dialback)).GetAttribute("type"));
    }
}
