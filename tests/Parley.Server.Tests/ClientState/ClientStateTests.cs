using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.ClientState;
using Parley.Server.Sessions;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.ClientState;

/// <summary>XEP-0352 over real sockets: what an inactive client gets at once, what waits, and in which order.</summary>
public sealed class ClientStateTests
{
    private const string Ns = "urn:xmpp:csi:0";

    [Fact]
    [Trait("Conformance", "XEP-0352 §3 §4 §5")]
    public async Task Inactive_holds_presence_deduplicated_and_chat_states_until_a_message_an_iq_or_active_flushes_in_order()
    {
        await using var server = await TestServer.StartAsync(("Modules:Csi:MaxHeld", "3"));
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await SubscriptionTests.MakeBothAsync(juliet, romeo);
        await juliet.IqAsync("get", "<ping xmlns='urn:xmpp:ping'/>");
        var session = server.Services.GetRequiredService<ISessionDirectory>().Find(Jid.Parse("juliet@localhost/balcony"))!;
        Assert.NotNull((await FeaturesAfterAuthAsync(server)).Child("csi", Ns));

        await juliet.SendAsync($"<inactive xmlns='{Ns}'/>");
        // Her own IQ's answer is urgent (and proves the server took <inactive/> before what follows).
        await juliet.IqAsync("get", "<ping xmlns='urn:xmpp:ping'/>");
        await romeo.SendAsync("<presence><show>away</show></presence>");
        await romeo.SendAsync("<message to='juliet@localhost/balcony' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
        await romeo.SendAsync("<presence><show>dnd</show></presence>");
        await romeo.IqAsync("get", "<ping xmlns='urn:xmpp:ping'/>");
        // Held: the chat state, and only the latest presence of Romeo (the first one replaced).
        Assert.Equal(2, session.Features.Get<InactiveHold>()!.Count);

        // A message with a body goes at once, after everything held, in order.
        await romeo.SendAsync("<message to='juliet@localhost/balcony' type='chat'><body>hello</body></message>");
        Assert.Equal("composing", (await Next(juliet)).FirstElement!.Name);
        Assert.Equal("dnd", (await Next(juliet)).ChildText("show", Namespaces.Client));
        Assert.Equal("hello", (await Next(juliet)).ChildText("body", Namespaces.Client));

        // An IQ to her flushes too.
        await romeo.SendAsync("<message to='juliet@localhost/balcony' type='chat'><paused xmlns='http://jabber.org/protocol/chatstates'/></message>");
        await romeo.SendAsync("<iq type='get' id='q' to='juliet@localhost/balcony'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("paused", (await Next(juliet)).FirstElement!.Name);
        Assert.Equal(("iq", "q"), ((await Next(juliet)).Name, (string?)"q"));
        await juliet.SendAsync("<iq type='result' id='q' to='romeo@localhost/garden'/>");

        // The hold is bounded (Modules:Csi:MaxHeld 3): the fourth sends the three held, then waits itself.
        for (var i = 0; i < 4; i++)
        {
            await romeo.SendAsync($"<message to='juliet@localhost/balcony' type='chat' id='s{i}'><active xmlns='http://jabber.org/protocol/chatstates'/></message>");
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("s" + i, (await Next(juliet)).GetAttribute("id"));
        }

        await romeo.IqAsync("get", "<ping xmlns='urn:xmpp:ping'/>");
        Assert.Equal(1, session.Features.Get<InactiveHold>()!.Count);

        // <active/>: what is held goes out, and nothing is held any more.
        await romeo.SendAsync("<presence><show>chat</show></presence>");
        await juliet.SendAsync($"<active xmlns='{Ns}'/>");
        Assert.Equal("s3", (await Next(juliet)).GetAttribute("id"));
        Assert.Equal("chat", (await Next(juliet)).ChildText("show", Namespaces.Client));
        await romeo.SendAsync("<presence><show>xa</show></presence>");
        Assert.Equal("xa", (await Next(juliet)).ChildText("show", Namespaces.Client));
        Assert.Null(session.Features.Get<InactiveHold>());
    }

    [Fact]
    public async Task Modules_csi_enabled_false_removes_the_feature()
    {
        await using var server = await TestServer.StartAsync(("Modules:Csi:Enabled", "false"));
        await server.CreateAccountAsync("juliet", "secret");
        Assert.Null((await FeaturesAfterAuthAsync(server)).Child("csi", Ns));
    }

    /// <summary>The next element on Juliet's stream, exactly (nothing skipped).</summary>
    private static Task<Element> Next(ImClient client) => client.Raw.ExpectAsync();

    private static async Task<Element> FeaturesAfterAuthAsync(TestServer server)
    {
        await using var raw = await RawStream.ConnectAsync(server.C2s);
        await raw.SecureAsync();
        await raw.AuthenticatePlainAsync("juliet", "secret");
        return await raw.OpenAsync();
    }
}
