using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Modules;
using Parley.Server.Sessions;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Sessions;

/// <summary>
/// Issue 10 item 1: a session is not its connection. A module may keep a session whose transport
/// was lost (the seam XEP-0198 resumption uses); the session then holds its stanzas, in order, for
/// the next transport, and ends when its time runs out. By default nothing is kept.
/// </summary>
public sealed class DetachedSessionTests
{
    /// <summary>Keeps sessions whose connection was lost (not closed) for a minute.</summary>
    private sealed class KeepLostSessions : IXmppModule
    {
        public List<TransportEnd> Asked { get; } = [];

        public void Map(ModuleMap map) => map.OnTransportLost((_, end) =>
        {
            lock (Asked)
            {
                Asked.Add(end);
            }

            return end == TransportEnd.Lost ? TimeSpan.FromMinutes(1) : null;
        });
    }

    [Fact]
    public void A_detached_session_holds_its_stanzas_and_hands_them_over_in_order()
    {
        var harness = new ModuleHarness();
        var (session, first) = harness.Bind("juliet@example.com/phone");
        var clock = new FakeTimeProvider();
        var ended = 0;

        session.Send(ModuleHarness.Message("juliet@example.com/phone", "1"));
        session.Detach(first, capacity: 2, TimeSpan.FromMinutes(1), clock, _ =>
        {
            ended++;
            return Task.CompletedTask;
        });
        Assert.True(session.IsDetached);
        Assert.True(session.Send(ModuleHarness.Message("juliet@example.com/phone", "2")));
        Assert.True(session.Send(ModuleHarness.Message("juliet@example.com/phone", "3")));
        Assert.False(session.Send(ModuleHarness.Message("juliet@example.com/phone", "over the bound")));

        var second = new ModuleHarness.RecordingTransport("second");
        Assert.True(session.Attach(second));
        Assert.True(session.Send(ModuleHarness.Message("juliet@example.com/phone", "4")));
        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(["1"], first.Sent.Select(Body));
        Assert.Equal(["2", "3", "4"], second.Sent.Select(Body));
        Assert.False(session.IsDetached);
        Assert.Equal(0, ended);
        Assert.False(session.Attach(new ModuleHarness.RecordingTransport("third")));
    }

    [Fact]
    public void A_detached_session_ends_when_its_time_runs_out_or_its_held_queue_is_terminated()
    {
        var harness = new ModuleHarness();
        var clock = new FakeTimeProvider();
        var ended = new List<string>();
        var (timedOut, t1) = harness.Bind("juliet@example.com/a");
        var (replaced, t2) = harness.Bind("juliet@example.com/b");
        Task End(ClientSession s)
        {
            ended.Add(s.Jid.Resource!);
            return Task.CompletedTask;
        }

        timedOut.Detach(t1, 10, TimeSpan.FromMinutes(1), clock, End);
        replaced.Detach(t2, 10, TimeSpan.FromMinutes(1), clock, End);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(ended);

        // RFC 6120 §7.7.2.2: a new session for the same full JID ends the kept one at once.
        replaced.Endpoint.Terminate(StreamErrorCondition.Conflict);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["b", "a"], ended);
        Assert.False(timedOut.Attach(new ModuleHarness.RecordingTransport("late")));
    }

    [Fact]
    public async Task A_module_keeps_a_session_whose_connection_was_lost_until_its_time_runs_out()
    {
        var keeper = new KeepLostSessions();
        var clock = ClockDriver.Create();
        await using var server = await TestServer.StartAsync(
            services => services.AddSingleton<TimeProvider>(clock).AddSingleton<IXmppModule>(keeper),
            ("AllowPlaintextAuth", "true"),
            ("Limits:IdleProbeSeconds", "3600"),
            ("Limits:IdleTimeoutSeconds", "7200"));
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        var sessions = server.Services.GetRequiredService<ISessionDirectory>();
        await using var romeo = await LoginAsync(server, "romeo", "garden");
        var juliet = await LoginAsync(server, "juliet", "phone");
        var phone = Jid.Parse("juliet@localhost/phone");
        var kept = sessions.Find(phone)!;

        // The connection drops without </stream:stream>: the module keeps the session, detached.
        await juliet.DisposeAsync();
        await WaitUntilAsync(() => kept.IsDetached);
        Assert.Same(kept, sessions.Find(phone));
        Assert.Equal([TransportEnd.Lost], keeper.Asked);

        // Stanzas for it are held, not bounced.
        await romeo.SendAsync("<iq type='get' id='held' to='juliet@localhost/phone'><ping xmlns='urn:xmpp:ping'/></iq>");
        await WaitUntilAsync(() => ((HeldStanzas)kept.Endpoint).Count == 1);

        // Unresumed for the minute the module asked: the session ends, and the resource is gone.
        clock.Advance(TimeSpan.FromMinutes(1));
        await WaitUntilAsync(() => sessions.Find(phone) is null);
        await romeo.SendAsync("<iq type='get' id='gone' to='juliet@localhost/phone'><ping xmlns='urn:xmpp:ping'/></iq>");
        var error = await romeo.ExpectStanzaAsync("iq");
        Assert.Equal(("gone", "error"), (error.GetAttribute("id"), error.GetAttribute("type")));
        Assert.NotNull(error.Child("error", Namespaces.Client)?.Child("service-unavailable", Namespaces.Stanzas));
    }

    [Fact]
    public async Task A_closed_stream_is_not_kept_and_ends_at_once_as_before()
    {
        var keeper = new KeepLostSessions();
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<IXmppModule>(keeper), ("AllowPlaintextAuth", "true"));
        await server.CreateAccountAsync("juliet", "secret");
        var sessions = server.Services.GetRequiredService<ISessionDirectory>();
        await using var juliet = await LoginAsync(server, "juliet", "phone");

        await juliet.SendAsync("</stream:stream>");
        await juliet.ExpectClosedAsync();

        await WaitUntilAsync(() => sessions.Find(Jid.Parse("juliet@localhost/phone")) is null);
        Assert.Equal([TransportEnd.Closed], keeper.Asked);
    }

    private static string? Body(Parley.Xmpp.Xml.Element message) => message.ChildText("body", Namespaces.Client);

    private static async Task<RawStream> LoginAsync(TestServer server, string user, string resource)
    {
        var client = await RawStream.ConnectAsync(server.C2s);
        await client.OpenAsync();
        await client.AuthenticatePlainAsync(user, "secret");
        await client.OpenAsync();
        await client.BindAsync(resource);
        return client;
    }

    /// <summary>The server acts on its own loop: wait (bounded) until it has.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
