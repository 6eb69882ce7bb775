using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Interop.Tests;

/// <summary>
/// Parley.Client against a scripted loopback peer (plaintext, PLAIN allowed explicitly): the
/// stream paths a well-behaved server seldom takes.
/// </summary>
public sealed class ClientProtocolTests
{
    private const string FullJid = "alice@localhost/phone";

    private static XmppClientOptions Options(int port) => new()
    {
        Jid = Jid.Parse("alice@localhost"),
        Password = "secret",
        Host = "127.0.0.1",
        Port = port,
        TlsPolicy = TlsPolicy.Disabled,
        AllowPlainWithoutTls = true,
        ConnectTimeout = TimeSpan.FromSeconds(60),
        CloseTimeout = TimeSpan.FromSeconds(60),
    };

    [Fact]
    [Trait("Conformance", "RFC 6120 §7.6.1")]
    public async Task Login_binds_the_jid_the_server_returns_and_stanzas_flow_both_ways()
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port));
        var connecting = client.ConnectAsync();
        await server.LogInAsync(FullJid);

        Assert.Equal(Jid.Parse(FullJid), await connecting);
        Assert.Equal("PLAIN", client.SaslMechanism);

        await server.WriteAsync("<message from='bob@localhost/x' type='chat'><body>hi</body></message>");
        var received = await client.ReadStanzaAsync();
        Assert.Equal("hi", received!.ChildText("body", Namespaces.Client));

        await client.SendAsync(ChatMessages.Create(Jid.Parse("bob@localhost/x"), "yo"));
        var sent = await server.ReadElementAsync();
        Assert.True(sent.Is("message", Namespaces.Client));
        Assert.Equal("yo", sent.ChildText("body", Namespaces.Client));

        var closing = client.CloseAsync();
        await server.AnswerCloseAsync();
        await closing;
        await client.Completion;
    }

    // RFC 6120 §8.2.3: the answer is matched by id, and does not reach the stanza queue.
    // Issue 11 item 6: an answer with the right id from an entity the request was not sent to is a
    // forgery (any JID that can reach the client can send one); it completes nothing and reaches the
    // stanza queue, and the real answer still completes the request.
    [Theory]
    [Trait("Conformance", "RFC 6120 §8.2.3 §8.1.2.1")]
    [InlineData("bob@localhost/x", "mallory@evil.example", "bob@localhost/x")]
    [InlineData("bob@localhost/x", "bob@localhost", "BOB@localhost/x")]
    [InlineData("bob@localhost", "bob@localhost/x", "bob@localhost")]
    [InlineData("remote.example", "mallory@remote.example", "remote.example")]
    [InlineData(null, "mallory@evil.example", null)]
    [InlineData(null, "localhost.evil", "alice@localhost")]
    [InlineData("alice@localhost", "bob@localhost", null)]
    [InlineData("alice@localhost", "alice@localhost/other", "alice@localhost/phone")]
    [InlineData("localhost", "alice@localhost", "localhost")]
    public async Task An_answer_from_another_entity_than_the_addressee_is_not_taken_for_the_answer(string? to, string forgedFrom, string? realFrom)
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port));
        var connecting = client.ConnectAsync();
        await server.LogInAsync(FullJid);
        await connecting;

        var request = new Element("iq", Namespaces.Client).SetAttribute("type", "get");
        if (to is not null)
        {
            request.SetAttribute("to", to);
        }

        request.AddElement("query", Namespaces.DiscoInfo);
        var answering = client.SendIqAsync(request);
        var id = (await server.ReadElementAsync()).GetAttribute("id");
        var from = realFrom is null ? "" : $" from='{realFrom}'";
        await server.WriteAsync($"<iq type='result' from='{forgedFrom}' id='{id}'><query xmlns='{Namespaces.DiscoInfo}'><feature var='forged'/></query></iq>"
            + $"<iq type='result'{from} id='{id}'><query xmlns='{Namespaces.DiscoInfo}'/></iq>");

        var answer = await answering;
        Assert.Equal(realFrom, answer.GetAttribute("from"));
        Assert.Null(answer.Child("query", Namespaces.DiscoInfo)!.Child("feature", Namespaces.DiscoInfo));
        var forged = await client.ReadStanzaAsync();
        Assert.Equal(forgedFrom, forged!.GetAttribute("from"));

        var closing = client.CloseAsync();
        await server.AnswerCloseAsync();
        await closing;
    }

    // Issue 11 item 6: ids the client assigns are random, not a counter another entity could guess.
    [Fact]
    public async Task Assigned_iq_ids_are_unpredictable()
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port));
        var connecting = client.ConnectAsync();
        await server.LogInAsync(FullJid);
        await connecting;

        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var request = new Element("iq", Namespaces.Client).SetAttribute("type", "get").SetAttribute("to", "localhost");
            request.AddElement("ping", Namespaces.Ping);
            var answering = client.SendIqAsync(request);
            var id = (await server.ReadElementAsync()).GetAttribute("id")!;
            await server.WriteAsync($"<iq type='result' from='localhost' id='{id}'/>");
            await answering;
            ids.Add(id);
        }

        // 128 random bits each, as hex after a one-letter prefix.
        Assert.All(ids, id => Assert.Matches("^q[0-9a-f]{32}$", id));
        Assert.NotEqual(ids[0], ids[1]);

        var closing = client.CloseAsync();
        await server.AnswerCloseAsync();
        await closing;
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.2.3")]
    public async Task Iq_answers_are_matched_by_id()
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port));
        var connecting = client.ConnectAsync();
        await server.LogInAsync(FullJid);
        await connecting;

        var request = new Element("iq", Namespaces.Client).SetAttribute("type", "get").SetAttribute("to", "localhost");
        request.AddElement("ping", Namespaces.Ping);
        var answering = client.SendIqAsync(request);
        var seen = await server.ReadElementAsync();
        var id = seen.GetAttribute("id");
        Assert.NotNull(id);
        await server.WriteAsync($"<iq type='result' id='other'/><iq type='result' from='localhost' id='{id}'/>");

        var answer = await answering;
        Assert.Equal(id, answer.GetAttribute("id"));
        Assert.Equal("result", answer.GetAttribute("type"));
        var unmatched = await client.ReadStanzaAsync();
        Assert.Equal("other", unmatched!.GetAttribute("id"));

        var closing = client.CloseAsync();
        await server.AnswerCloseAsync();
        await closing;
        await client.Completion;
    }

    // XEP-0199 §4.2: the library answers the server's ping itself; the ping never reaches the stanza queue.
    [Fact]
    [Trait("Conformance", "XEP-0199 §4.2")]
    public async Task A_server_ping_is_answered_by_the_library()
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port));
        var connecting = client.ConnectAsync();
        await server.LogInAsync(FullJid);
        await connecting;

        await server.WriteAsync($"<iq type='get' id='idle-1' from='localhost' to='{FullJid}'><ping xmlns='urn:xmpp:ping'/></iq>");
        var pong = await server.ReadElementAsync();
        Assert.True(pong.Is("iq", Namespaces.Client));
        Assert.Equal("result", pong.GetAttribute("type"));
        Assert.Equal("idle-1", pong.GetAttribute("id"));
        Assert.Equal("localhost", pong.GetAttribute("to"));

        await server.WriteAsync("<message from='bob@localhost/x' type='chat'><body>after</body></message>");
        var next = await client.ReadStanzaAsync();
        Assert.Equal("after", next!.ChildText("body", Namespaces.Client));

        var closing = client.CloseAsync();
        await server.AnswerCloseAsync();
        await closing;
        await client.Completion;
    }

    // RFC 6120 §4.9: a stream error ends the stream; the client surfaces its condition.
    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9")]
    public async Task A_stream_error_from_the_server_surfaces_with_its_condition()
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port));
        var connecting = client.ConnectAsync();
        await server.LogInAsync(FullJid);
        await connecting;
        var pending = client.SendIqAsync(new Element("iq", Namespaces.Client).SetAttribute("type", "get"));
        await server.ReadElementAsync();

        await server.WriteAsync(
            $"<stream:error><conflict xmlns='{Namespaces.StreamErrors}'/><text xmlns='{Namespaces.StreamErrors}'>replaced</text></stream:error></stream:stream>");

        var ended = await Assert.ThrowsAsync<StreamErrorException>(() => client.Completion);
        Assert.Equal(StreamErrorCondition.Conflict, ended.Condition);
        Assert.Equal("replaced", ended.Text);
        var read = await Assert.ThrowsAsync<StreamErrorException>(() => client.ReadStanzaAsync().AsTask());
        Assert.Equal(StreamErrorCondition.Conflict, read.Condition);
        await Assert.ThrowsAsync<StreamErrorException>(() => pending);

        // RFC 6120 §4.4: the client still closes its side of the stream.
        Assert.Equal(XmlStreamEventKind.StreamClosed, (await server.ReadAsync()).Kind);
    }

    // RFC 6120 §4.4: when the server closes first, the client answers with its own closing tag.
    [Fact]
    [Trait("Conformance", "RFC 6120 §4.4")]
    public async Task A_server_close_is_answered_and_ends_the_stream_cleanly()
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port));
        var connecting = client.ConnectAsync();
        await server.LogInAsync(FullJid);
        await connecting;

        await server.WriteAsync("<message type='chat'><body>last</body></message></stream:stream>");

        Assert.Equal(XmlStreamEventKind.StreamClosed, (await server.ReadAsync()).Kind);
        await client.Completion;
        Assert.Equal("last", (await client.ReadStanzaAsync())!.ChildText("body", Namespaces.Client));
        Assert.Null(await client.ReadStanzaAsync());
        Assert.False(client.IsConnected);
    }

    // RFC 6120 §4.4: the client waits for the server's closing tag, but only for CloseTimeout.
    [Fact]
    [Trait("Conformance", "RFC 6120 §4.4")]
    public async Task Close_gives_up_on_a_server_that_never_answers()
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port) with { CloseTimeout = TimeSpan.FromMilliseconds(200) });
        var connecting = client.ConnectAsync();
        await server.LogInAsync(FullJid);
        await connecting;

        await client.CloseAsync();

        Assert.Equal(XmlStreamEventKind.StreamClosed, (await server.ReadAsync()).Kind);
        await Assert.ThrowsAsync<TimeoutException>(() => client.Completion);
    }

    // RFC 6120 §5.3.1: with TLS required, a server that offers no STARTTLS is refused.
    [Fact]
    [Trait("Conformance", "RFC 6120 §5.3.1")]
    public async Task Required_tls_that_is_not_offered_fails_negotiation()
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port) with { TlsPolicy = TlsPolicy.Required });
        var connecting = client.ConnectAsync();
        await server.AcceptAsync();
        await server.OpenStreamAsync($"<mechanisms xmlns='{Namespaces.Sasl}'><mechanism>PLAIN</mechanism></mechanisms>");

        await Assert.ThrowsAsync<XmppNegotiationException>(() => connecting);
    }

    // RFC 6120 §13.8: PLAIN is not used in the clear unless explicitly allowed.
    [Fact]
    [Trait("Conformance", "RFC 6120 §13.8")]
    public async Task Plain_is_refused_without_tls_unless_allowed()
    {
        await using var server = new ScriptedServer();
        await using var client = new XmppClient(Options(server.Port) with { AllowPlainWithoutTls = false });
        var connecting = client.ConnectAsync();
        await server.AcceptAsync();
        await server.OpenStreamAsync($"<mechanisms xmlns='{Namespaces.Sasl}'><mechanism>PLAIN</mechanism></mechanisms>");

        var failure = await Assert.ThrowsAsync<XmppNegotiationException>(() => connecting);
        Assert.Contains("No acceptable SASL mechanism", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_closed_before_connecting_is_complete_and_cannot_connect()
    {
        var client = new XmppClient(Options(port: 1));

        await client.DisposeAsync();

        await client.Completion;
        Assert.Null(await client.ReadStanzaAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectAsync());
    }

    [Fact]
    public void Options_never_print_the_password()
    {
        var text = Options(5222).ToString();

        Assert.Contains("alice@localhost", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }
}
