using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Sessions;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.StreamManagement;

/// <summary>
/// XEP-0198 §5 over real sockets: a connection dies without a close, the session hibernates (still
/// available to contacts), and a new TCP connection resumes it; every message arrives exactly once.
/// </summary>
public sealed class ResumptionTests
{
    private const string Ns = SmClient.Ns;
    private static readonly Jid Balcony = Jid.Parse("juliet@localhost/balcony");

    private static string Chat(string to, string body) => $"<message to='{to}' type='chat'><body>{body}</body></message>";

    private static async Task<TestServer> ServerAsync(Action<IServiceCollection>? services = null, params (string Key, string Value)[] settings)
    {
        var server = await TestServer.StartAsync(services, [("Modules:Sm:RequestAfterStanzas", "1000"), .. settings]);
        foreach (var user in new[] { "juliet", "romeo", "mallory" })
        {
            await server.CreateAccountAsync(user, "secret");
        }

        return server;
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §5")]
    public async Task A_lost_connection_resumes_on_a_new_one_and_every_message_arrives_exactly_once_in_order()
    {
        await using var server = await ServerAsync();
        var sessions = server.Services.GetRequiredService<ISessionDirectory>();
        await using var juliet = await SmClient.LoginAsync(server, "juliet", "balcony");
        await using var romeo = await SmClient.LoginAsync(server, "romeo", "garden", enable: false);

        await romeo.Raw.SendAsync(Chat(Balcony.ToString(), "1"));
        await romeo.Raw.SendAsync(Chat(Balcony.ToString(), "2"));
        await juliet.ExpectMessageAsync("2");
        // She acknowledges the first only, then her network goes away (no </stream:stream>).
        await juliet.AckAsync(1);
        await juliet.SyncAsync("before");
        var session = sessions.Find(Balcony)!;
        await juliet.Raw.DisposeAsync();
        await StreamManagementTests.WaitUntilAsync(() => session.IsDetached);

        // Hibernated: still bound, and messages for it are kept for the next connection.
        await romeo.Raw.SendAsync(Chat(Balcony.ToString(), "3"));
        await romeo.Raw.SendAsync(Chat(Balcony.ToString(), "4"));
        await StreamManagementTests.WaitUntilAsync(() => session.Unacked!.Count == 4);
        Assert.Same(session, sessions.Find(Balcony));

        var resumed = await juliet.ResumeAsync(server, "juliet", h: 1);
        Assert.True(resumed.Is("resumed", Ns), resumed.ToString());
        // §5: the server handled her one stanza (the ping "before").
        Assert.Equal((juliet.Id, "1"), (resumed.GetAttribute("previd"), resumed.GetAttribute("h")));

        // What she did not acknowledge comes again: "2" (she had it but did not say so: §5 allows the
        // duplicate), the answer to "before", then 3 and 4; then the stream goes on as before.
        await romeo.Raw.SendAsync(Chat(Balcony.ToString(), "5"));
        await juliet.ExpectMessageAsync("5");
        Assert.Equal(["1", "2", "2", "3", "4", "5"], juliet.Bodies);
        Assert.Same(session, sessions.Find(Balcony));
        Assert.False(session.IsDetached);
        await juliet.SyncAsync("after");
        Assert.Equal(["1", "2", "2", "3", "4", "5"], juliet.Bodies);
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §5")]
    public async Task A_connection_killed_with_unread_data_resumes_with_each_message_once()
    {
        await using var server = await ServerAsync(settings: ("Modules:Sm:MaxUnacked", "5000"));
        var sessions = server.Services.GetRequiredService<ISessionDirectory>();
        await using var juliet = await SmClient.LoginAsync(server, "juliet", "balcony");
        await using var romeo = await SmClient.LoginAsync(server, "romeo", "garden", enable: false);
        var session = sessions.Find(Balcony)!;
        const int Count = 400;

        // Romeo talks; Juliet reads a part, never acknowledges, and her connection is reset while the
        // rest waits unread in her kernel buffers (closing a socket with unread data sends RST).
        for (var i = 0; i < Count; i++)
        {
            await romeo.Raw.SendAsync(Chat(Balcony.ToString(), "m" + i));
        }

        await juliet.ExpectMessageAsync("m99");
        await StreamManagementTests.WaitUntilAsync(() => session.Unacked!.Sent == Count);
        juliet.Raw.Tls!.Close();
        await StreamManagementTests.WaitUntilAsync(() => session.IsDetached);

        var resumed = await juliet.ResumeAsync(server, "juliet");
        Assert.True(resumed.Is("resumed", Ns), resumed.ToString());
        await juliet.ExpectMessageAsync("m" + (Count - 1));
        await juliet.SyncAsync();
        Assert.Equal(Enumerable.Range(0, Count).Select(i => "m" + i), juliet.Bodies);
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §5")]
    public async Task Unknown_foreign_and_malformed_ids_get_item_not_found_and_the_client_may_bind()
    {
        await using var server = await ServerAsync();
        await using var juliet = await SmClient.LoginAsync(server, "juliet", "balcony");
        await using var mallory = await SmClient.LoginAsync(server, "mallory", "cellar");

        // Another account holding Juliet's id cannot take her session.
        var foreign = await mallory.ResumeAsync(server, "mallory", previd: juliet.Id, h: 0);
        Assert.True(foreign.Is("failed", Ns), foreign.ToString());
        Assert.NotNull(foreign.Child("item-not-found", Namespaces.Stanzas));
        Assert.Null(foreign.GetAttribute("h"));

        var unknown = await juliet.ResumeAsync(server, "juliet", previd: "no-such-id", h: 0);
        Assert.NotNull(unknown.Child("item-not-found", Namespaces.Stanzas));

        // Juliet's session is untouched, and a failed resumption leaves the stream ready for binding.
        await juliet.SyncAsync();
        var raw = await RawStream.ConnectAsync(server.C2s);
        await using var _ = raw;
        await raw.SecureAsync();
        await raw.AuthenticatePlainAsync("juliet", "secret");
        await raw.OpenAsync();
        await raw.SendAsync($"<resume xmlns='{Ns}' previd='x' h='0'/>");
        await raw.ExpectAsync("failed", Ns);
        Assert.Equal("juliet@localhost/phone", await raw.BindAsync("phone"));
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §5")]
    public async Task A_half_open_old_connection_is_replaced_with_conflict()
    {
        await using var server = await ServerAsync();
        var oldStream = await SmClient.LoginAsync(server, "juliet", "balcony");
        await using var romeo = await SmClient.LoginAsync(server, "romeo", "garden", enable: false);
        await romeo.Raw.SendAsync(Chat(Balcony.ToString(), "a"));
        await oldStream.ExpectMessageAsync("a");
        var old = oldStream.Raw;

        // The client thinks the old connection is dead; the server does not know yet.
        await using var juliet = SmClient.Over(await RawStream.ConnectAsync(server.C2s));
        var resumed = await ResumeOnAsync(juliet.Raw, oldStream.Id!, 0);
        Assert.True(resumed.Is("resumed", Ns), resumed.ToString());
        Assert.Equal("a", (await juliet.Raw.ExpectStanzaAsync("message")).ChildText("body", Namespaces.Client));
        await old.ExpectStreamErrorAsync(StreamErrorCondition.Conflict);
        await old.DisposeAsync();

        // The old stream's end does not end the session: it lives on the new connection.
        await romeo.Raw.SendAsync(Chat(Balcony.ToString(), "b"));
        Assert.Equal("b", (await juliet.Raw.ExpectStanzaAsync("message")).ChildText("body", Namespaces.Client));
        Assert.NotNull(server.Services.GetRequiredService<ISessionDirectory>().Find(Balcony));
    }

    [Fact]
    [Trait("Conformance", "XEP-0198 §5")]
    public async Task Hibernated_stays_available_and_when_the_window_ends_goes_unavailable_with_messages_offline()
    {
        var clock = ClockDriver.Create();
        await using var server = await ServerAsync(
            services => services.AddSingleton<TimeProvider>(clock),
            ("Modules:Sm:ResumptionSeconds", "60"),
            ("Limits:IdleProbeSeconds", "3600"),
            ("Limits:IdleTimeoutSeconds", "7200"));
        var sessions = server.Services.GetRequiredService<ISessionDirectory>();
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        var julietIm = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await SubscriptionTests.MakeBothAsync(julietIm, romeo);
        await julietIm.Raw.SendAsync($"<enable xmlns='{Ns}' resume='true'/>");
        var enabled = await julietIm.WaitForAsync(e => e.Is("enabled", Ns), "enabled");
        var session = sessions.Find(Balcony)!;

        await julietIm.DisposeAsync();
        await StreamManagementTests.WaitUntilAsync(() => session.IsDetached);
        await romeo.SendAsync(Chat(Balcony.ToString(), "while away"));
        await StreamManagementTests.WaitUntilAsync(() => session.Unacked!.Count == 1);
        // Still available: no unavailable presence reached Romeo.
        await romeo.QuietAsync(e => e.Name == "presence" && e.GetAttribute("type") == "unavailable");

        // The window ends: now, and not before, the unavailable presence, and the message is stored offline.
        var unavailable = romeo.PresenceAsync("juliet@localhost/balcony", "unavailable");
        var waited = await clock.AdvanceUntilAsync(unavailable, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(120));
        Assert.InRange(waited, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(65));
        await StreamManagementTests.WaitUntilAsync(() => sessions.Find(Balcony) is null);

        var late = SmClient.Over(await RawStream.ConnectAsync(server.C2s));
        await using var _ = late;
        var failed = await ResumeOnAsync(late.Raw, enabled.GetAttribute("id")!, 0);
        Assert.NotNull(failed.Child("item-not-found", Namespaces.Stanzas));
        await late.Raw.BindAsync("balcony");
        await late.Raw.SendAsync("<presence/>");
        var stored = await late.ExpectMessageAsync("while away");
        Assert.NotNull(stored.Child("delay", Namespaces.Delay));
    }

    /// <summary>TLS, authentication as Juliet and &lt;resume/&gt; on a connection the test opened.</summary>
    private static async Task<Parley.Xmpp.Xml.Element> ResumeOnAsync(RawStream raw, string previd, uint h)
    {
        await raw.SecureAsync();
        await raw.AuthenticatePlainAsync("juliet", "secret");
        await raw.OpenAsync();
        await raw.SendAsync($"<resume xmlns='{Ns}' previd='{previd}' h='{h}'/>");
        return await raw.ExpectAsync();
    }
}
