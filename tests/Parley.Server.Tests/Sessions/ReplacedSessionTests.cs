using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Events;
using Parley.Server.Negotiation;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Server.Storage;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;
using Xunit.Abstractions;

namespace Parley.Server.Tests.Sessions;

/// <summary>
/// Issue 11 item 4: a session replaced by a new one with the same full JID (RFC 6120 §7.7.2.2,
/// everyday mobile reconnection) must leave nothing behind. Module state per session lives in the
/// session itself, so once replaced and closed it can be collected, whatever modules it touched.
/// </summary>
public sealed class ReplacedSessionTests(ITestOutputHelper output)
{
    private const int SampleEvery = 50;

    [Fact]
    public async Task Thousands_of_replaced_sessions_leave_no_session_and_flat_memory()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        var negotiation = server.Services.GetRequiredService<NegotiationServices>();
        var router = server.Services.GetRequiredService<StanzaRouter>();
        var juliet = Jid.Parse("juliet@localhost/phone");
        var samples = new List<WeakReference>();
        long afterWarmUp = 0;
        const int replacements = 3000;

        for (var i = 0; i < replacements; i++)
        {
            var session = await BindAsync(negotiation, juliet);
            if (i % SampleEvery == 0)
            {
                samples.Add(new WeakReference(session));
            }

            // Everything that used to be remembered per session in a module's table: roster and
            // blocklist interest, available presence with a large status, directed presence.
            await RouteAsync(router, session, "<iq xmlns='jabber:client' type='get' id='r'><query xmlns='jabber:iq:roster'/></iq>");
            await RouteAsync(router, session, "<iq xmlns='jabber:client' type='get' id='b'><blocklist xmlns='urn:xmpp:blocking'/></iq>");
            await RouteAsync(router, session, $"<presence xmlns='jabber:client'><status>{new string('x', 4000)}</status></presence>");
            await RouteAsync(router, session, "<presence xmlns='jabber:client' to='romeo@localhost'/>");
            if (i == 200)
            {
                afterWarmUp = Settled();
            }
        }

        var atEnd = Settled();
        var alive = samples.Count(s => s.IsAlive);
        output.WriteLine($"{replacements} replacements: managed heap {afterWarmUp / 1024} KiB after 200, {atEnd / 1024} KiB at the end; {alive} of {samples.Count} sampled sessions alive");

        // Only the session bound now may be alive (the last sample is at most 49 replacements old).
        Assert.True(alive <= 1, $"{alive} replaced sessions are still reachable");
        Assert.True(atEnd - afterWarmUp < 8 * 1024 * 1024, $"The heap grew by {(atEnd - afterWarmUp) / 1024} KiB");
    }

    [Fact]
    public async Task A_replaced_connection_releases_its_session_over_real_sockets()
    {
        await using var server = await TestServer.StartAsync(("AllowPlaintextAuth", "true"));
        await server.CreateAccountAsync("juliet", "secret");
        var sessions = server.Services.GetRequiredService<ISessionDirectory>();
        var juliet = Jid.Parse("juliet@localhost/phone");
        var samples = new List<WeakReference>();
        RawStream? previous = null;
        for (var i = 0; i < 100; i++)
        {
            var client = await RawStream.ConnectAsync(server.C2s);
            await client.OpenAsync();
            await client.AuthenticatePlainAsync("juliet", "secret");
            await client.OpenAsync();
            Assert.Equal(juliet.ToString(), await client.BindAsync("phone"));
            samples.Add(new WeakReference(sessions.Find(juliet)));
            await client.SendAsync("<iq type='get' id='r'><query xmlns='jabber:iq:roster'/></iq><presence/><presence to='romeo@localhost'/>");
            Assert.Equal("r", (await client.ExpectStanzaAsync("iq")).GetAttribute("id"));

            // RFC 6121 §4.2.2: the resource's own broadcast comes back to it.
            await client.ExpectStanzaAsync("presence");
            if (previous is not null)
            {
                // The old TCP connection is still open when the new one binds: it ends with <conflict/>.
                await previous.ExpectStreamErrorAsync(StreamErrorCondition.Conflict);
                await previous.DisposeAsync();
            }

            previous = client;
        }

        await previous!.DisposeAsync();
        Settled();
        var alive = samples.Take(samples.Count - 5).Count(s => s.IsAlive);
        Assert.True(alive == 0, $"{alive} replaced sessions are still reachable");
    }

    /// <summary>What <c>C2sNegotiator</c> does when it binds: the directory, the replaced session's &lt;conflict/&gt;, SessionBound.</summary>
    private static async Task<ClientSession> BindAsync(NegotiationServices negotiation, Jid jid)
    {
        var session = new ClientSession(jid, new ModuleHarness.RecordingTransport(jid.ToString()), negotiation.Modules.OutboundFilters);
        var outcome = negotiation.Sessions.TryBind(session, negotiation.Options.Limits.MaxResourcesPerAccount);
        outcome.Replaced?.Endpoint.Terminate(StreamErrorCondition.Conflict);
        await negotiation.Modules.PublishAsync(new SessionBound(session));
        return session;
    }

    private static ValueTask RouteAsync(StanzaRouter router, ClientSession session, string xml) =>
        router.RouteAsync(session, StoredXml.Read(xml), CancellationToken.None);

    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
