using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Sessions;

/// <summary>RFC 6120 §7 resource binding and RFC 3921 session establishment.</summary>
public sealed class BindingTests
{
    [Fact]
    [Trait("Conformance", "RFC 6120 §7.6.2.1")]
    public async Task Server_generates_a_resource_when_none_is_requested()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        var jid = await client.LoginAsync("juliet", "secret");
        Assert.StartsWith("juliet@localhost/", jid, StringComparison.Ordinal);
        Assert.True(jid.Length > "juliet@localhost/".Length + 8);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §7.7.2")]
    public async Task Requested_resource_is_bound()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        Assert.Equal("juliet@localhost/balcony", await client.LoginAsync("juliet", "secret", "balcony"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §7.7.2.2 §4.9.3.3")]
    public async Task Same_resource_twice_replaces_the_old_session_with_conflict()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var first = await RawStream.ConnectAsync(server.C2s);
        await first.LoginAsync("juliet", "secret", "balcony");
        await using var second = await RawStream.ConnectAsync(server.C2s);
        Assert.Equal("juliet@localhost/balcony", await second.LoginAsync("juliet", "secret", "balcony"));
        await first.ExpectStreamErrorAsync(StreamErrorCondition.Conflict);

        // The new session is the one that is served.
        await second.SendAsync("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("result", (await second.ExpectStanzaAsync("iq")).GetAttribute("type"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §7.6.2.1")]
    public async Task Too_many_resources_get_resource_constraint()
    {
        await using var server = await TestServer.StartAsync(("Limits:MaxResourcesPerAccount", "1"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var first = await RawStream.ConnectAsync(server.C2s);
        await first.LoginAsync("juliet", "secret", "one");
        await using var second = await RawStream.ConnectAsync(server.C2s);
        await second.SecureAsync();
        await second.AuthenticatePlainAsync("juliet", "secret");
        await second.OpenAsync();
        await second.SendAsync("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>two</resource></bind></iq>");
        var error = await second.ExpectStanzaAsync("iq");
        Assert.Equal("error", error.GetAttribute("type"));
        Assert.NotNull(error.Child("error", Namespaces.Client)!.Child("resource-constraint", Namespaces.Stanzas));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §7.1")]
    public async Task Stanza_before_binding_gets_not_authorized()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.SecureAsync();
        await client.AuthenticatePlainAsync("juliet", "secret");
        await client.OpenAsync();
        await client.SendAsync("<message to='romeo@localhost'><body>hi</body></message>");
        await client.ExpectStreamErrorAsync(StreamErrorCondition.NotAuthorized);
    }

    [Fact]
    [Trait("Conformance", "RFC 3921 §3")]
    public async Task Session_establishment_gets_an_empty_result()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        await client.SendAsync("<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
        var reply = await client.ExpectStanzaAsync("iq");
        Assert.Equal("result", reply.GetAttribute("type"));
        Assert.Equal("s1", reply.GetAttribute("id"));
    }
}
