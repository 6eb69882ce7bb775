using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Offline;
using Parley.Server.Sessions;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.StreamManagement;

/// <summary>XEP-0198 acknowledgements over real sockets: counting both ways, requests, and the bad-input rules.</summary>
public sealed class StreamManagementTests
{
    private const string Ns = SmClient.Ns;

    private static async Task<TestServer> ServerAsync(params (string Key, string Value)[] settings)
    {
        var server = await TestServer.StartAsync(settings);
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        return server;
    }

    private static string Chat(string to, string body) => $"<message to='{to}' type='chat'><body>{body}</body></message>";

    [Fact]
    [Trait("Conformance", "XEP-0198 §2 §3 §4")]
    public async Task Enabled_after_binding_counts_both_ways_modulo_the_stanzas_really_sent()
    {
        await using var server = await ServerAsync(("Modules:Sm:RequestAfterStanzas", "1000"));
        var raw = await RawStream.ConnectAsync(server.C2s);
        await raw.SecureAsync();
        await raw.AuthenticatePlainAsync("juliet", "secret");
        // XEP-0198 §2: offered after authentication, beside <bind/>.
        var features = await raw.OpenAsync();
        Assert.NotNull(features.Child("sm", Ns));
        Assert.NotNull(features.Child("bind", Namespaces.Bind));
        await raw.BindAsync("balcony");
        await using var juliet = await SmClientOver(raw);
        await using var romeo = await SmClient.LoginAsync(server, "romeo", "garden", enable: false);

        await juliet.Raw.SendAsync($"<enable xmlns='{Ns}' resume='true' max='60'/>");
        var enabled = await juliet.Raw.ExpectAsync("enabled", Ns);
        // The client asked for less than Modules:Sm:ResumptionSeconds (300): its 'max' is kept.
        Assert.Equal(("true", "60"), (enabled.GetAttribute("resume"), enabled.GetAttribute("max")));

        // §4: nothing handled yet; then two stanzas from the client (a ping and a message) count two.
        await juliet.Raw.SendAsync($"<r xmlns='{Ns}'/>");
        Assert.Equal("0", (await juliet.ExpectNonStanzaAsync()).GetAttribute("h"));
        await juliet.SyncAsync("p1");
        await juliet.Raw.SendAsync(Chat("romeo@localhost/garden", "hi"));
        await juliet.Raw.SendAsync($"<r xmlns='{Ns}'/>");
        var a = await juliet.ExpectNonStanzaAsync();
        Assert.True(a.Is("a", Ns));
        Assert.Equal("2", a.GetAttribute("h"));

        // Server to client: three messages and the ping's answer are four stanzas; acknowledging them
        // empties the session's record.
        for (var i = 1; i <= 3; i++)
        {
            await romeo.Raw.SendAsync(Chat("juliet@localhost/balcony", "m" + i));
        }

        await juliet.ExpectMessageAsync("m3");
        Assert.Equal(4u, juliet.Handled);
        var session = server.Services.GetRequiredService<ISessionDirectory>().Find(Jid.Parse("juliet@localhost/balcony"))!;
        Assert.Equal(4u, session.Unacked!.Sent);
        await juliet.AckAsync(2);
        await juliet.AckAsync();
        await juliet.SyncAsync("p2");
        Assert.Equal(1, session.Unacked.Count);
        Assert.Equal(4u, session.Unacked.Acknowledged);
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §4")]
    public async Task The_server_asks_for_acknowledgements_after_n_stanzas_and_after_t_seconds()
    {
        var clock = ClockDriver.Create();
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<TimeProvider>(clock),
            ("Modules:Sm:RequestAfterStanzas", "3"),
            ("Modules:Sm:RequestAfterSeconds", "10"),
            ("Limits:IdleProbeSeconds", "3600"),
            ("Limits:IdleTimeoutSeconds", "7200"));
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await using var juliet = await SmClient.LoginAsync(server, "juliet", "balcony");
        await using var romeo = await SmClient.LoginAsync(server, "romeo", "garden", enable: false);

        // After the third unrequested stanza, <r/> follows it at once.
        for (var i = 1; i <= 3; i++)
        {
            await romeo.Raw.SendAsync(Chat("juliet@localhost/balcony", "n" + i));
        }

        await juliet.ExpectMessageAsync("n3", answerRequests: false);
        Assert.True((await juliet.ExpectNonStanzaAsync()).Is("r", Ns));
        await juliet.AckAsync();

        // One more stanza: no request until it waited Modules:Sm:RequestAfterSeconds.
        await romeo.Raw.SendAsync(Chat("juliet@localhost/balcony", "late"));
        await juliet.ExpectMessageAsync("late", answerRequests: false);
        var request = juliet.ExpectNonStanzaAsync();
        var waited = await clock.AdvanceUntilAsync(request, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.True((await request).Is("r", Ns));
        Assert.InRange(waited, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §4")]
    public async Task An_h_above_what_was_sent_ends_the_stream_with_handled_count_too_high()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SmClient.LoginAsync(server, "juliet", "balcony");
        await juliet.SyncAsync();

        await juliet.AckAsync(5);
        var next = await juliet.Raw.NextAsync();
        var error = next!.Value.Element!;
        Assert.True(error.Is("error", Namespaces.Streams), error.ToString());
        Assert.Equal(StreamErrorCondition.UndefinedCondition, StreamError.ConditionOf(error));
        var tooHigh = error.Child("handled-count-too-high", Ns)!;
        Assert.Equal(("5", "1"), (tooHigh.GetAttribute("h"), tooHigh.GetAttribute("send")));
        await juliet.Raw.ExpectClosedAsync();
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §3")]
    public async Task Enable_before_binding_or_twice_is_unexpected_request_and_the_stream_goes_on()
    {
        await using var server = await ServerAsync();
        var raw = await RawStream.ConnectAsync(server.C2s);
        await raw.SecureAsync();
        await raw.AuthenticatePlainAsync("juliet", "secret");
        await raw.OpenAsync();
        await raw.SendAsync($"<enable xmlns='{Ns}'/>");
        var failed = await raw.ExpectAsync("failed", Ns);
        Assert.NotNull(failed.Child("unexpected-request", Namespaces.Stanzas));

        // The client may still bind, then enable once.
        await raw.BindAsync("balcony");
        await using var juliet = await SmClientOver(raw);
        await raw.SendAsync($"<enable xmlns='{Ns}'/>");
        var enabled = await raw.ExpectAsync("enabled", Ns);
        Assert.Null(enabled.GetAttribute("resume"));
        await raw.SendAsync($"<enable xmlns='{Ns}' resume='true'/>");
        Assert.NotNull((await raw.ExpectAsync("failed", Ns)).Child("unexpected-request", Namespaces.Stanzas));
        await juliet.SyncAsync();
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §4")]
    public async Task A_client_that_never_acknowledges_is_cut_at_max_unacked_and_its_messages_go_offline()
    {
        await using var server = await ServerAsync(("Modules:Sm:MaxUnacked", "4"), ("Modules:Sm:RequestAfterStanzas", "1000"));
        var juliet = await SmClient.LoginAsync(server, "juliet", "balcony");
        await using var romeo = await SmClient.LoginAsync(server, "romeo", "garden", enable: false);
        await juliet.Raw.SendAsync("<presence/>");

        for (var i = 1; i <= 4; i++)
        {
            await romeo.Raw.SendAsync(Chat("juliet@localhost/balcony", "u" + i));
        }

        // Her own presence and three messages fill the record (Modules:Sm:MaxUnacked 4); the fourth is one too many.
        var error = await juliet.ExpectNonStanzaAsync();
        Assert.True(error.Is("error", Namespaces.Streams), error.ToString());
        Assert.Equal(StreamErrorCondition.ResourceConstraint, StreamError.ConditionOf(error));
        await juliet.Raw.ExpectClosedAsync();
        await juliet.DisposeAsync();
        // The session is unbound before its messages are handed on: wait until all four are stored, or
        // the next login could deliver offline storage before they land there.
        var offlineStore = server.Services.GetRequiredService<IOfflineStore>();
        await WaitUntilAsync(async () => await offlineStore.CountAsync(Jid.Parse("juliet@localhost")) == 4);

        // Nothing acknowledged, so every message waits in offline storage, with its delay stamp.
        await using var again = await SmClient.LoginAsync(server, "juliet", "balcony", enable: false);
        await again.Raw.SendAsync("<presence/>");
        var offline = new List<Element>();
        for (var i = 1; i <= 4; i++)
        {
            offline.Add(await again.ExpectMessageAsync("u" + i));
        }

        Assert.All(offline, m => Assert.NotNull(m.Child("delay", Namespaces.Delay)));
        Assert.Equal(["u1", "u2", "u3", "u4"], again.Bodies);
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §4")]
    public async Task A_client_that_closes_its_stream_without_a_last_ack_does_not_get_its_archived_messages_again()
    {
        await using var server = await ServerAsync();
        var juliet = await SmClient.LoginAsync(server, "juliet", "balcony");
        await using var romeo = await SmClient.LoginAsync(server, "romeo", "garden", enable: false);
        await juliet.Raw.SendAsync("<presence/>");
        await romeo.Raw.SendAsync(Chat("juliet@localhost", "read"));
        await juliet.ExpectMessageAsync("read", answerRequests: false);

        // She leaves as xmpp.js and aioxmpp do: </stream:stream> with no <a/> before it (§4 only
        // recommends one). The message is in her archive, so it is not stored for her again.
        await juliet.Raw.SendAsync("</stream:stream>");
        await juliet.Raw.ExpectClosedAsync();
        await juliet.DisposeAsync();
        await WaitUntilAsync(() => server.Services.GetRequiredService<ISessionDirectory>().Find(Jid.Parse("juliet@localhost/balcony")) is null);

        await using var again = await SmClient.LoginAsync(server, "juliet", "balcony", enable: false);
        await again.Raw.SendAsync("<presence/>");
        await again.SyncAsync();
        await romeo.Raw.SendAsync(Chat("juliet@localhost/balcony", "next"));
        await again.ExpectMessageAsync("next");
        Assert.Equal(["next"], again.Bodies);
    }

    [Fact]
    public async Task R_and_a_without_enable_are_unexpected_requests()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SmClient.LoginAsync(server, "juliet", "balcony", enable: false);
        await juliet.Raw.SendAsync($"<r xmlns='{Ns}'/>");
        Assert.NotNull((await juliet.Raw.ExpectAsync("failed", Ns)).Child("unexpected-request", Namespaces.Stanzas));
        await juliet.AckAsync(0);
        Assert.NotNull((await juliet.Raw.ExpectAsync("failed", Ns)).Child("unexpected-request", Namespaces.Stanzas));
    }

    [Fact]
    public async Task Sm_enabled_false_removes_the_feature()
    {
        await using var server = await ServerAsync(("Modules:Sm:Enabled", "false"));
        var raw = await RawStream.ConnectAsync(server.C2s);
        await using var _ = raw;
        await raw.SecureAsync();
        await raw.AuthenticatePlainAsync("juliet", "secret");
        Assert.Null((await raw.OpenAsync()).Child("sm", Ns));
        await raw.BindAsync("balcony");
        await raw.SendAsync($"<enable xmlns='{Ns}'/>");
        await raw.ExpectStreamErrorAsync(StreamErrorCondition.UnsupportedStanzaType);
    }

    private static Task<SmClient> SmClientOver(RawStream raw) => Task.FromResult(SmClient.Over(raw));

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
