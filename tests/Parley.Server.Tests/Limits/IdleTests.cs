using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Limits;

/// <summary>Idle and slow peers on a fake clock: Limits:IdleProbeSeconds, Limits:IdleTimeoutSeconds, Limits:NegotiationTimeoutSeconds.</summary>
public sealed class IdleTests
{
    private readonly FakeTimeProvider _clock = ClockDriver.Create();

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.4 XEP-0199 §4.2 RFC 6121 §4.5.4")]
    public async Task A_silent_client_is_pinged_then_closed_with_connection_timeout_and_its_presence_goes_unavailable()
    {
        await using var server = await StartAsync(("Limits:IdleProbeSeconds", "60"), ("Limits:IdleTimeoutSeconds", "300"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var silent = await RawStream.ConnectAsync(server.C2s);
        await silent.LoginAsync("juliet", "secret", "balcony");
        await using var live = await RawStream.ConnectAsync(server.C2s);
        await live.LoginAsync("juliet", "secret", "garden");
        await silent.SendAsync("<presence/>");
        await live.SendAsync("<presence/>");
        await ExpectPresenceAsync(live, "juliet@localhost/balcony", available: true);
        await ExpectPresenceAsync(silent, "juliet@localhost/garden", available: true);
        // Both streams have now been read up to here: the quiet spell starts at this instant of the fake clock.
        await PingServerAsync(live, "sync");
        await PingServerAsync(silent, "sync");

        // 59 s: nothing yet (the first iq the live client gets is its own answer, not a probe).
        _clock.Advance(TimeSpan.FromSeconds(59));
        await live.SendAsync("<iq type='get' id='at-59' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("at-59", (await live.ExpectStanzaAsync("iq")).GetAttribute("id"));

        // 60 s of silence: XEP-0199 §4.2, a server-to-client ping.
        _clock.Advance(TimeSpan.FromSeconds(1));
        var probe = await ExpectProbeAsync(silent, "juliet@localhost/balcony");
        Assert.StartsWith("idle-", probe.GetAttribute("id"), StringComparison.Ordinal);

        // 300 s after its last byte the silent stream ends; the live one, quiet for 241 s, is only probed.
        _clock.Advance(TimeSpan.FromSeconds(240));
        await silent.ExpectStreamErrorAsync(StreamErrorCondition.ConnectionTimeout);
        var seen = new List<Element>();
        while (!seen.Exists(e => e.Name == "presence") || !seen.Exists(e => e.Name == "iq"))
        {
            seen.Add(await live.ExpectAsync());
        }

        // RFC 6121 §4.5.4: the vanished resource is announced unavailable to the account's other resources.
        var gone = seen.Find(e => e.Name == "presence")!;
        Assert.Equal("juliet@localhost/balcony", gone.GetAttribute("from"));
        Assert.Equal("unavailable", gone.GetAttribute("type"));

        // An answered probe starts a new quiet spell: 299 s later the stream is probed again, not closed.
        var liveProbe = seen.Find(e => e.Name == "iq")!;
        Assert.Equal("juliet@localhost/garden", liveProbe.GetAttribute("to"));
        await live.SendAsync($"<iq type='result' id='{liveProbe.GetAttribute("id")}' to='localhost'/>");
        await PingServerAsync(live, "answered");
        _clock.Advance(TimeSpan.FromSeconds(299));
        await ExpectProbeAsync(live, "juliet@localhost/garden");
        await PingServerAsync(live, "served");
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.9.3.4")]
    public async Task A_peer_trickling_bytes_before_authentication_is_closed_at_the_negotiation_deadline()
    {
        await using var server = await StartAsync(("Limits:NegotiationTimeoutSeconds", "30"));
        await using var client = await RawStream.ConnectAsync(server.C2s);
        // The answer proves the server holds the connection (and its deadline) from this instant of the fake clock.
        await client.OpenAsync();

        // One byte every 10 s keeps the transport busy but does not move the deadline, counted from the connection.
        var auth = $"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{Convert.ToBase64String("\0juliet\0wrong"u8)}</auth>";
        await client.SendAsync(auth[..1]);
        _clock.Advance(TimeSpan.FromSeconds(10));
        await client.SendAsync(auth[1..2]);
        _clock.Advance(TimeSpan.FromSeconds(10));
        await client.SendAsync(auth[2..3]);
        _clock.Advance(TimeSpan.FromSeconds(9));

        // At 29 s the stream is still served...
        await client.SendAsync(auth[3..]);
        Assert.NotNull((await client.ExpectAsync("failure", Namespaces.Sasl)).Child("not-authorized", Namespaces.Sasl));

        // ...and at 30 s it ends, bytes or not.
        await client.SendAsync(" ");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await client.ExpectStreamErrorAsync(StreamErrorCondition.ConnectionTimeout);
    }

    private Task<TestServer> StartAsync(params (string Key, string Value)[] settings) =>
        TestServer.StartAsync(services => services.AddSingleton<TimeProvider>(_clock), [("AllowPlaintextAuth", "true"), .. settings]);

    private static async Task PingServerAsync(RawStream client, string id)
    {
        await client.SendAsync($"<iq type='get' id='{id}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
        while (true)
        {
            var reply = await client.ExpectStanzaAsync("iq");
            if (reply.GetAttribute("id") == id)
            {
                Assert.Equal("result", reply.GetAttribute("type"));
                return;
            }

            // A probe that crossed our own ping: answer it like any client would.
            Assert.NotNull(reply.Child("ping", Namespaces.Ping));
        }
    }

    private static async Task<Element> ExpectProbeAsync(RawStream client, string to)
    {
        var probe = await client.ExpectStanzaAsync("iq");
        Assert.Equal("get", probe.GetAttribute("type"));
        Assert.Equal("localhost", probe.GetAttribute("from"));
        Assert.Equal(to, probe.GetAttribute("to"));
        Assert.NotNull(probe.Child("ping", Namespaces.Ping));
        return probe;
    }

    private static async Task ExpectPresenceAsync(RawStream client, string from, bool available)
    {
        while (true)
        {
            var presence = await client.ExpectStanzaAsync("presence");
            if (presence.GetAttribute("from") == from)
            {
                Assert.Equal(available ? null : "unavailable", presence.GetAttribute("type"));
                return;
            }
        }
    }
}
