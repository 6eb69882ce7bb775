using System.Diagnostics;
using System.Text;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Http;

/// <summary>
/// XMPP over BOSH (XEP-0124, XEP-0206) at /http-bind on the plain loopback HTTP listener: the same
/// client negotiation as TCP carried by long-polled requests, rid order and retransmission, and
/// every bad request answered with its terminal binding condition (HTTP 200, type='terminate').
/// </summary>
public sealed class BoshTests
{
    private static readonly (string, string)[] Http = [("Http:Port", "5280")];

    [Fact]
    [Trait("Conformance", "XEP-0124 §7 §8; XEP-0206 §3 §5 §6")]
    public async Task A_bosh_client_logs_in_and_chats_with_a_tcp_client_over_held_requests()
    {
        await using var server = await TestServer.StartAsync(Http);
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        using var juliet = new RawBosh(server);
        var julietJid = await juliet.LoginAsync("juliet", "secret", "browser");
        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        var romeoJid = await romeo.LoginAsync("romeo", "secret", "garden");

        // An empty request is held (hold='1') until something arrives for the client: romeo's message,
        // sent after the request went out, comes back as its response.
        var held = juliet.SendAsync();
        await romeo.SendAsync($"<message to='{julietJid}' type='chat'><body>held for you</body></message>");
        var delivered = (await held).Child("message", Namespaces.Client);
        Assert.NotNull(delivered);
        Assert.Equal(romeoJid, delivered.GetAttribute("from"));
        Assert.Equal("held for you", delivered.ChildText("body", Namespaces.Client));

        // As a browser does: one empty request held, a second one carrying payloads. The server answers
        // the held one at once (hold='1') and holds the second until romeo's reply comes for it.
        var poll = juliet.SendAsync();
        var sending = juliet.SendAsync($"<message xmlns='jabber:client' to='{romeoJid}' type='chat'><body>over bosh &lt;&amp;&gt; ünï</body></message>");
        Assert.Empty((await poll).Children());
        var received = await romeo.ExpectStanzaAsync("message");
        Assert.Equal(julietJid, received.GetAttribute("from"));
        Assert.Equal("over bosh <&> ünï", received.ChildText("body", Namespaces.Client));
        await romeo.SendAsync($"<message to='{julietJid}' type='chat'><body>and back</body></message>");
        Assert.Equal("and back", (await sending).Child("message", Namespaces.Client)!.ChildText("body", Namespaces.Client));

        // A payload left in the body's namespace (no xmlns) is read as jabber:client.
        var unqualified = juliet.SendAsync($"<message to='{romeoJid}' type='chat'><body>no xmlns</body></message>");
        Assert.Equal("no xmlns", (await romeo.ExpectStanzaAsync("message")).ChildText("body", Namespaces.Client));

        // XEP-0124 §13: terminate, with a last payload forwarded first; the session is then gone.
        var terminated = await juliet.SendAsync("<presence xmlns='jabber:client' type='unavailable'/>", "type='terminate'");
        Assert.Empty((await unqualified).Children());
        RawBosh.AssertTerminate(terminated, null);
        RawBosh.AssertTerminate(await juliet.SendAsync(), "item-not-found");
    }

    [Fact]
    [Trait("Conformance", "XEP-0124 §7.1 §8 §9.1")]
    public async Task The_creation_response_grants_capped_values_and_held_requests_are_answered_after_wait_or_when_another_comes()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Http:Bosh:MaxWaitSeconds", "1"), ("Http:Bosh:InactivitySeconds", "30"), ("Http:Bosh:PollingSeconds", "0")]);
        using var client = new RawBosh(server);
        var created = await client.CreateAsync(wait: 60, hold: 5);
        Assert.Equal("1", created.GetAttribute("wait"));
        Assert.Equal("1", created.GetAttribute("hold"));
        Assert.Equal("2", created.GetAttribute("requests"));
        Assert.Equal("30", created.GetAttribute("inactivity"));
        Assert.Equal("1.6", created.GetAttribute("ver"));
        Assert.Equal("localhost", created.GetAttribute("from"));
        Assert.Equal(client.Rid, RawBosh.Number(created, "ack"));
        Assert.Equal("1.0", created.GetAttribute("version", "urn:xmpp:xbosh"));
        Assert.Equal("true", created.GetAttribute("restartlogic", "urn:xmpp:xbosh"));
        Assert.NotNull(created.GetAttribute("authid"));
        Assert.Equal(32, created.GetAttribute("sid")!.Length);

        // Nothing to say: the held request is answered empty once 'wait' has passed.
        var clock = Stopwatch.StartNew();
        var empty = await client.SendAsync();
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"answered after {clock.Elapsed}");
        Assert.Empty(empty.Children());
        Assert.Null(empty.GetAttribute("type"));

        // hold='1': a second request makes the server answer the first at once.
        var first = client.Rid + 1;
        var second = first + 1;
        var firstTask = client.PostAsync(first, client.Body(first));
        var secondTask = client.PostAsync(second, client.Body(second));
        var answered = await Task.WhenAny(firstTask, secondTask);
        Assert.Same(firstTask, answered);
        Assert.Empty((await firstTask).Children());
        await secondTask;
    }

    [Fact]
    [Trait("Conformance", "XEP-0124 §14.2 §14.3")]
    public async Task A_repeated_rid_gets_the_same_response_and_a_rid_outside_the_window_ends_the_session()
    {
        await using var server = await TestServer.StartAsync(Http);
        await server.CreateAccountAsync("juliet", "secret");
        using var client = new RawBosh(server);
        await client.LoginAsync("juliet", "secret");

        var rid = client.Rid + 1;
        var body = client.Body(rid, "<iq xmlns='jabber:client' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
        var original = await client.PostTextAsync(body);
        Assert.Contains("p1", original, StringComparison.Ordinal);
        // The network lost the response: the client sends the same request again and gets the same body.
        Assert.Equal(original, await client.PostTextAsync(body));

        // Past the window of 'requests' (2): item-not-found, and the session has ended.
        RawBosh.AssertTerminate(await client.PostAsync(rid + 5, client.Body(rid + 5)), "item-not-found");
        RawBosh.AssertTerminate(await client.PostAsync(rid + 1, client.Body(rid + 1)), "item-not-found");
    }

    [Fact]
    [Trait("Conformance", "XEP-0124 §11 §17.2")]
    public async Task Bad_requests_get_their_terminal_conditions_and_the_server_keeps_serving()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Http:MaxRequestBodyBytes", "8192")]);
        using var client = new RawBosh(server);
        RawBosh.AssertTerminate(RawBosh.Parse(await client.PostTextAsync("<body xmlns='http://jabber.org/protocol/httpbind' rid='1'")), "bad-request");
        RawBosh.AssertTerminate(RawBosh.Parse(await client.PostTextAsync("<body xmlns='urn:other' rid='1' to='localhost'/>")), "bad-request");
        RawBosh.AssertTerminate(RawBosh.Parse(await client.PostTextAsync("<body xmlns='http://jabber.org/protocol/httpbind' to='localhost'/>")), "bad-request");
        RawBosh.AssertTerminate(await client.CreateAsync(to: "elsewhere.example"), "host-unknown");
        RawBosh.AssertTerminate(RawBosh.Parse(await client.PostTextAsync("<body xmlns='http://jabber.org/protocol/httpbind' rid='5' sid='0123456789abcdef0123456789abcdef'/>")), "item-not-found");
        RawBosh.AssertTerminate(RawBosh.Parse(await client.PostTextAsync($"<body xmlns='http://jabber.org/protocol/httpbind' rid='5' to='localhost'>{new string(' ', 10000)}</body>")), "policy-violation");

        // XEP-0124 §11: an empty request while 'hold' (1) is already held, sooner than 'polling' (2 s)
        // after the last: too frequent, policy-violation for both, and the session has ended.
        await client.CreateAsync(wait: 10, hold: 1);
        var held = client.SendAsync();
        var again = client.SendAsync();
        RawBosh.AssertTerminate(await again, "policy-violation");
        RawBosh.AssertTerminate(await held, "policy-violation");
        RawBosh.AssertTerminate(await client.SendAsync(), "item-not-found");

        // A rid beyond the window of 'requests' is item-not-found too (§14.2).
        await client.CreateAsync(wait: 10, hold: 1);
        RawBosh.AssertTerminate(await client.PostAsync(client.Rid + 3, client.Body(client.Rid + 3)), "item-not-found");

        using var next = new RawBosh(server);
        Assert.NotNull((await next.CreateAsync()).GetAttribute("sid"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0124 §10")]
    public async Task A_pause_answers_held_requests_and_inactivity_ends_the_session()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Http:Bosh:InactivitySeconds", "1"), ("Http:Bosh:MaxPauseSeconds", "1")]);
        server.ErrorsExpected = true;
        await server.CreateAccountAsync("juliet", "secret");
        using var client = new RawBosh(server);
        var created = await client.CreateAsync();
        Assert.Equal("1", created.GetAttribute("maxpause"));
        var held = client.SendAsync();
        var paused = await client.SendAsync(attributes: "pause='1'");
        Assert.Empty(paused.Children());
        Assert.Null(paused.GetAttribute("type"));
        await held;

        // No request for longer than 'inactivity': the server ends the session and forgets it.
        await server.Logs.WaitForAsync($"BOSH session bosh-{client.Sid![..8]}: no request for 1 s, ended");
        RawBosh.AssertTerminate(await client.SendAsync(), "item-not-found");
    }

    [Fact]
    [Trait("Conformance", "XEP-0124 §17.2; XEP-0206 §7; RFC 6120 §4.9.3.14")]
    public async Task A_client_that_stops_collecting_ends_with_policy_violation_inside_remote_stream_error()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Http:Bosh:MaxPendingBytes", "4096")]);
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        using var juliet = new RawBosh(server);
        var julietJid = await juliet.LoginAsync("juliet", "secret", "browser");
        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret", "garden");

        // Juliet holds no request: what is sent to her waits, up to Http:Bosh:MaxPendingBytes.
        for (var i = 0; i < 8; i++)
        {
            await romeo.SendAsync($"<message to='{julietJid}' type='chat'><body>{new string('x', 1000)}</body></message>");
        }

        await server.Logs.WaitForAsync($"Connection bosh-{juliet.Sid![..8]} stream error PolicyViolation");
        // Requests now carry what waited (the stream may still be closing), and then the terminate.
        var last = await juliet.SendAsync();
        for (var i = 0; i < 10 && last.GetAttribute("type") is null; i++)
        {
            last = await juliet.SendAsync();
        }

        RawBosh.AssertTerminate(last, "remote-stream-error");
        Assert.Equal(StreamErrorCondition.PolicyViolation, StreamError.ConditionOf(last.Child("error", Namespaces.Streams)!));
        RawBosh.AssertTerminate(await juliet.SendAsync(), "item-not-found");
    }

    [Fact]
    [Trait("Conformance", "XEP-0124 §7.1; RFC 6454")]
    public async Task Only_allowed_origins_may_use_bosh_and_they_get_cors_headers()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Http:AllowedOrigins:0", "https://chat.example")]);
        using var evil = new RawBosh(server, origin: "https://evil.example");
        using var refused = new HttpRequestMessage(HttpMethod.Post, "/http-bind") { Content = new StringContent("<body/>", Encoding.UTF8, "text/xml") };
        using var refusal = await evil.SendRawAsync(refused);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refusal.StatusCode);

        using var page = new RawBosh(server, origin: "https://chat.example");
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/http-bind");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var allowed = await page.SendRawAsync(preflight);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://chat.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.NotNull((await page.CreateAsync()).GetAttribute("sid"));
    }
}
