using Parley.Server.Tests.Federation;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using static Parley.Server.Tests.Archive.Mam;

namespace Parley.Server.Tests.Archive;

/// <summary>Archive, stanza ids and carbons for what another domain's server sends (a raw s2s peer, <see cref="RawPeerTests"/>).</summary>
public sealed class RemoteArchiveTests
{
    [Fact]
    [Trait("Conformance", "XEP-0359 §5")]
    [Trait("Conformance", "XEP-0280 §4")]
    public async Task A_remote_message_is_archived_with_its_forged_stanza_id_stripped_and_a_remote_carbons_enable_is_ignored()
    {
        var (server, authority) = await RawPeerTests.StartAsync();
        await using var _ = authority;
        await using var __ = server;
        await using var laptop = await SubscriptionTests.OnlineAsync(server, "bob", "laptop");
        await using var phone = await SubscriptionTests.OnlineAsync(server, "bob", "phone");
        await using var raw = await RawStream.ConnectAsync(server.S2s);
        Assert.Equal("valid", (await RawPeerTests.DialbackAsync(raw, "x.example")).GetAttribute("type"));

        // Another server tries to switch carbons on for Bob: nothing changes for his resources.
        await raw.SendAsync("<iq type='set' id='e1' from='eve@x.example/desk' to='bob@b.example'><enable xmlns='urn:xmpp:carbons:2'/></iq>");
        await raw.SendAsync("""
            <message from='eve@x.example/desk' to='bob@b.example/laptop' type='chat' id='x1'><body>from afar</body>
            <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='bob@b.example'/><origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>
            """);
        var message = await laptop.WaitForAsync(e => e.Name == "message" && e.GetAttribute("id") == "x1", "the remote message");
        var stanzaId = Assert.Single(message.Children("stanza-id", Namespaces.StanzaId));
        Assert.Equal("bob@b.example", stanzaId.GetAttribute("by"));
        Assert.NotEqual("forged", stanzaId.GetAttribute("id"));
        Assert.Equal("o1", message.Child("origin-id", Namespaces.StanzaId)!.GetAttribute("id"));
        await phone.QuietAsync(e => e.Name == "message");

        var archived = Assert.Single((await QueryAsync(laptop.Raw)).Items);
        Assert.Equal(stanzaId.GetAttribute("id"), archived.Id);
        Assert.Equal("eve@x.example/desk", archived.Forwarded.GetAttribute("from"));
    }
}
