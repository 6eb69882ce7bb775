using System.Security.Authentication;
using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Interop.Tests;

/// <summary>Parley.Client against the real server process, end to end.</summary>
[Collection(ParleyServerCollection.Name)]
public sealed class ClientEndToEndTests(ParleyServer server)
{
    // RFC 6120 §5, §6, §7; RFC 5802 + RFC 5929 channel binding; XEP-0440.
    [Fact]
    [Trait("Conformance", "RFC 6120 §5.4 §6.4; RFC 5802 §6; RFC 5929 §4.1; XEP-0440")]
    public async Task Starttls_login_uses_scram_sha_256_plus_with_channel_binding()
    {
        var account = await server.CreateAccountAsync("e2estarttls");
        await using var client = new XmppClient(server.ClientOptions(account));

        var jid = await client.ConnectAsync();

        Assert.Equal(account.Jid, jid.Bare);
        Assert.False(string.IsNullOrEmpty(jid.Resource));
        Assert.Equal(SaslMechanismNames.ScramSha256Plus, client.SaslMechanism);
        Assert.True(client.TlsProtocol is SslProtocols.Tls12 or SslProtocols.Tls13);
        await client.CloseAsync();
        await client.Completion;
    }

    // XEP-0368: TLS from the first byte on the direct TLS port.
    [Fact]
    [Trait("Conformance", "XEP-0368; RFC 6120 §7.6")]
    public async Task Direct_tls_login_binds_the_requested_resource()
    {
        var account = await server.CreateAccountAsync("e2edirect");
        await using var client = new XmppClient(server.ClientOptions(account, directTls: true) with { Resource = "laptop" });

        var jid = await client.ConnectAsync();

        Assert.Equal(account.Jid.WithResource("laptop"), jid);
        Assert.NotEqual(SslProtocols.None, client.TlsProtocol);
        Assert.Equal(SaslMechanismNames.ScramSha256Plus, client.SaslMechanism);
        await client.CloseAsync();
        await client.Completion;
    }

    [Theory]
    [Trait("Conformance", "RFC 7677; RFC 5802 §5")]
    [InlineData(SaslMechanismNames.ScramSha256)]
    [InlineData(SaslMechanismNames.ScramSha1)]
    [InlineData(SaslMechanismNames.ScramSha1Plus)]
    public async Task Login_succeeds_with_each_scram_mechanism(string mechanism)
    {
        var account = await server.CreateAccountAsync("e2emech");
        await using var client = new XmppClient(server.ClientOptions(account) with { SaslMechanisms = [mechanism] });

        await client.ConnectAsync();

        Assert.Equal(mechanism, client.SaslMechanism);
    }

    // RFC 6120 §6.5.10: wrong credentials end in <not-authorized/>.
    [Fact]
    [Trait("Conformance", "RFC 6120 §6.5.10")]
    public async Task Wrong_password_fails_with_not_authorized()
    {
        var account = await server.CreateAccountAsync("e2ewrong");
        await using var client = new XmppClient(server.ClientOptions(account) with { Password = account.Password + "x" });

        var failure = await Assert.ThrowsAsync<XmppAuthenticationException>(() => client.ConnectAsync());

        Assert.Equal(SaslFailureCondition.NotAuthorized, failure.Condition);
        Assert.False(client.IsConnected);
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.5.10")]
    public async Task Unknown_account_fails_like_a_wrong_password()
    {
        var ghost = new TestAccount(Jid.Parse($"nobody{Guid.NewGuid():N}@{ParleyServer.Domain}"), "nobody", "secret");
        await using var client = new XmppClient(server.ClientOptions(ghost));

        var failure = await Assert.ThrowsAsync<XmppAuthenticationException>(() => client.ConnectAsync());

        Assert.Equal(SaslFailureCondition.NotAuthorized, failure.Condition);
    }

    // RFC 6120 §8.5.3.2.1 / RFC 6121 §8.5.3: a message to a bound full JID is delivered to that resource.
    [Fact]
    [Trait("Conformance", "RFC 6120 §8.5.3.2.1")]
    public async Task Two_clients_exchange_messages()
    {
        var alice = await server.CreateAccountAsync("e2ealice");
        var bob = await server.CreateAccountAsync("e2ebob");
        await using var a = new XmppClient(server.ClientOptions(alice));
        await using var b = new XmppClient(server.ClientOptions(bob, directTls: true));
        var aliceJid = await a.ConnectAsync();
        var bobJid = await b.ConnectAsync();

        await a.SendAsync(ChatMessages.Create(bobJid, "hi bob <3 & \"quotes\""));
        var atBob = await ChatMessages.NextAsync(b);
        await b.SendAsync(ChatMessages.Create(aliceJid, "hi alice"));
        var atAlice = await ChatMessages.NextAsync(a);

        Assert.Equal("hi bob <3 & \"quotes\"", ChatMessages.Body(atBob));
        Assert.Equal(aliceJid.ToString(), atBob.GetAttribute("from"));
        Assert.Equal("hi alice", ChatMessages.Body(atAlice));
        Assert.Equal(bobJid.ToString(), atAlice.GetAttribute("from"));
    }

    // RFC 6120 §8.2.3: every IQ get/set is answered with a result or an error of the same id.
    [Fact]
    [Trait("Conformance", "RFC 6120 §8.2.3")]
    public async Task Iq_to_the_server_is_answered_by_id()
    {
        var account = await server.CreateAccountAsync("e2eiq");
        await using var client = new XmppClient(server.ClientOptions(account));
        await client.ConnectAsync();

        var iq = new Element("iq", Namespaces.Client).SetAttribute("type", "get").SetAttribute("to", ParleyServer.Domain);
        iq.AddElement("query", "urn:example:parley:unknown");
        var answer = await client.SendIqAsync(iq);

        Assert.Equal(iq.GetAttribute("id"), answer.GetAttribute("id"));
        Assert.Equal("error", answer.GetAttribute("type"));
        Assert.Equal(
            StanzaErrorCondition.ServiceUnavailable,
            StanzaError.FromStanza(answer)?.Condition);
    }

    // RFC 6120 §4.4: we send </stream:stream>, the server answers with its own, then TCP closes.
    [Fact]
    [Trait("Conformance", "RFC 6120 §4.4")]
    public async Task Close_completes_the_closing_handshake()
    {
        var account = await server.CreateAccountAsync("e2eclose");
        await using var client = new XmppClient(server.ClientOptions(account));
        await client.ConnectAsync();

        await client.CloseAsync();

        await client.Completion; // faults with TimeoutException had the server not closed its stream
        Assert.False(client.IsConnected);
        Assert.Null(await client.ReadStanzaAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(ChatMessages.Create(account.Jid, "late")).AsTask());
    }

    // RFC 6120 §7.7.2.2: Parley lets the new session win; the old one ends with <conflict/>.
    [Fact]
    [Trait("Conformance", "RFC 6120 §7.7.2.2")]
    public async Task Binding_a_resource_in_use_ends_the_older_session_with_conflict()
    {
        var account = await server.CreateAccountAsync("e2econflict");
        await using var first = new XmppClient(server.ClientOptions(account) with { Resource = "same" });
        await using var second = new XmppClient(server.ClientOptions(account, directTls: true) with { Resource = "same" });
        await first.ConnectAsync();

        Assert.Equal(account.Jid.WithResource("same"), await second.ConnectAsync());

        var ended = await Assert.ThrowsAsync<StreamErrorException>(() => first.Completion.WaitAsync(ChatMessages.Timeout));
        Assert.Equal(StreamErrorCondition.Conflict, ended.Condition);
        var read = await Assert.ThrowsAsync<StreamErrorException>(() => first.ReadStanzaAsync().AsTask());
        Assert.Equal(StreamErrorCondition.Conflict, read.Condition);
        Assert.True(second.IsConnected);
    }
}
