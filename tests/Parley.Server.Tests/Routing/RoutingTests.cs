using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Routing;

/// <summary>RFC 6120 §8 and §10, RFC 6121 §8.5 delivery, over real sockets.</summary>
public sealed class RoutingTests
{
    private static string? Condition(Element stanza) =>
        stanza.Child("error", Namespaces.Client)?.Children().FirstOrDefault(c => c.Namespace == Namespaces.Stanzas && c.Name != "text")?.Name;

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.1.2.1 RFC 6121 §8.5.3.1")]
    public async Task Message_to_a_full_jid_is_delivered_with_a_stamped_from()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<message to='romeo@localhost/garden' type='chat' id='m1'><body>Wherefore art thou?</body></message>");
            var message = await romeo.ExpectStanzaAsync("message");
            Assert.Equal("juliet@localhost/balcony", message.GetAttribute("from"));
            Assert.Equal("Wherefore art thou?", message.ChildText("body", Namespaces.Client));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.2.1.1")]
    public async Task Message_to_a_bare_jid_goes_to_the_available_resource()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await romeo.SendAsync("<presence/>");
            Assert.Equal("romeo@localhost/garden", (await romeo.ExpectStanzaAsync("presence")).GetAttribute("from"));
            await juliet.SendAsync("<message to='romeo@localhost' type='chat'><body>hi</body></message>");
            Assert.Equal("hi", (await romeo.ExpectStanzaAsync("message")).ChildText("body", Namespaces.Client));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.2.2.1")]
    public async Task Groupchat_to_a_bare_jid_without_available_resources_gets_service_unavailable()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            // Chat would be stored offline (XEP-0160); groupchat to a user is always an error.
            await juliet.SendAsync("<message to='romeo@localhost' type='groupchat' id='m2'><body>hi</body></message>");
            var error = await juliet.ExpectStanzaAsync("message");
            Assert.Equal("error", error.GetAttribute("type"));
            Assert.Equal("m2", error.GetAttribute("id"));
            Assert.Equal("service-unavailable", Condition(error));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.2.3")]
    public async Task Iq_rules_are_enforced()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
            Assert.Equal("bad-request", Condition(await juliet.ExpectStanzaAsync("iq")));

            await juliet.SendAsync("<iq type='get' id='two'><ping xmlns='urn:xmpp:ping'/><ping xmlns='urn:xmpp:ping'/></iq>");
            var two = await juliet.ExpectStanzaAsync("iq");
            Assert.Equal("two", two.GetAttribute("id"));
            Assert.Equal("bad-request", Condition(two));

            await juliet.SendAsync("<iq type='get' id='unknown'><query xmlns='urn:example:nothing'/></iq>");
            Assert.Equal("service-unavailable", Condition(await juliet.ExpectStanzaAsync("iq")));

            // Never an error in reply to an error: the ping after it is the next thing answered.
            await juliet.SendAsync("<iq type='error' id='e1'><error type='cancel'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
            await juliet.SendAsync("<iq type='result' id='r1'/>");
            await juliet.SendAsync("<iq type='get' id='after'><ping xmlns='urn:xmpp:ping'/></iq>");
            Assert.Equal("after", (await juliet.ExpectStanzaAsync("iq")).GetAttribute("id"));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §10.5.3.2 RFC 6121 §8.5.1")]
    public async Task Iq_to_an_unknown_user_gets_service_unavailable()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<iq type='get' id='u1' to='nobody@localhost/x'><ping xmlns='urn:xmpp:ping'/></iq>");
            Assert.Equal("service-unavailable", Condition(await juliet.ExpectStanzaAsync("iq")));
            await juliet.SendAsync("<message type='chat' id='u2' to='nobody@localhost'><body>x</body></message>");
            Assert.Equal("service-unavailable", Condition(await juliet.ExpectStanzaAsync("message")));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §10.4.3")]
    public async Task Remote_domain_gets_remote_server_not_found()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<message type='chat' id='r' to='someone@example.org'><body>x</body></message>");
            Assert.Equal("remote-server-not-found", Condition(await juliet.ExpectStanzaAsync("message")));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.3.3.8")]
    public async Task Unpreparable_to_gets_jid_malformed()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<message type='chat' id='j' to='a@b@c'><body>x</body></message>");
            Assert.Equal("jid-malformed", Condition(await juliet.ExpectStanzaAsync("message")));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §8.5.3.2.1")]
    public async Task Iq_to_an_unbound_resource_gets_service_unavailable()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<iq type='get' id='x' to='romeo@localhost/elsewhere'><ping xmlns='urn:xmpp:ping'/></iq>");
            Assert.Equal("service-unavailable", Condition(await juliet.ExpectStanzaAsync("iq")));
            await juliet.SendAsync("<iq type='get' id='y' to='romeo@localhost/garden'><ping xmlns='urn:xmpp:ping'/></iq>");
            var forwarded = await romeo.ExpectStanzaAsync("iq");
            Assert.Equal("juliet@localhost/balcony", forwarded.GetAttribute("from"));
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.1.2.1 §4.9.3.9")]
    public async Task Spoofed_from_gets_invalid_from()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync("<message from='romeo@localhost/garden' to='romeo@localhost' type='chat'><body>x</body></message>");
            await juliet.ExpectStreamErrorAsync(StreamErrorCondition.InvalidFrom);
        }
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.14")]
    public async Task Oversized_stanza_gets_policy_violation_and_others_are_still_served()
    {
        await using var server = await TestServer.StartAsync(("Limits:MaxStanzaBytes", "4096"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var big = await RawStream.ConnectAsync(server.C2s);
        await big.LoginAsync("juliet", "secret", "big");
        await using var other = await RawStream.ConnectAsync(server.C2s);
        await other.LoginAsync("juliet", "secret", "other");

        await big.SendAsync($"<message to='juliet@localhost/other'><body>{new string('x', 8192)}</body></message>");
        await big.ExpectStreamErrorAsync(StreamErrorCondition.PolicyViolation);

        await other.SendAsync("<iq type='get' id='still'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("still", (await other.ExpectStanzaAsync("iq")).GetAttribute("id"));
    }

    [Fact]
    [Trait("Conformance", "RFC 6121 §4.2.2 §4.5.4")]
    public async Task Presence_is_broadcast_to_own_resources_and_unavailable_on_disconnect()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var phone = await RawStream.ConnectAsync(server.C2s);
        await phone.LoginAsync("juliet", "secret", "phone");
        await phone.SendAsync("<presence/>");
        await phone.ExpectStanzaAsync("presence");

        var laptop = await RawStream.ConnectAsync(server.C2s);
        await laptop.LoginAsync("juliet", "secret", "laptop");
        await laptop.SendAsync("<presence><priority>5</priority></presence>");
        Assert.Equal("juliet@localhost/laptop", (await phone.ExpectStanzaAsync("presence")).GetAttribute("from"));

        await laptop.SendAsync("</stream:stream>");
        var gone = await phone.ExpectStanzaAsync("presence");
        Assert.Equal("juliet@localhost/laptop", gone.GetAttribute("from"));
        Assert.Equal("unavailable", gone.GetAttribute("type"));
        await laptop.DisposeAsync();
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.6.1")]
    public async Task Whitespace_keepalives_between_stanzas_are_ignored()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.SendAsync(" \n ");
            await juliet.SendAsync("<iq type='get' id='k'><ping xmlns='urn:xmpp:ping'/></iq>");
            Assert.Equal("k", (await juliet.ExpectStanzaAsync("iq")).GetAttribute("id"));
        }
    }
}
