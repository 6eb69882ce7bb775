using System.Security.Cryptography;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Pep;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Avatars;

/// <summary>XEP-0398: one avatar through PEP (XEP-0084) and the vCard (XEP-0153), over real sockets.</summary>
public sealed class AvatarConversionTests
{
    private const string Data = "urn:xmpp:avatar:data";
    private const string Metadata = "urn:xmpp:avatar:metadata";
    private const string Update = "vcard-temp:x:update";

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));

    private static byte[] Image(byte seed) => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 300).Select(i => (byte)(i * seed))];

    /// <summary>The photo hash a presence carries (XEP-0153 §3.2): null without x, "" for an empty photo.</summary>
    private static string? Photo(Element presence) =>
        presence.Child("x", Update) is { } x ? x.Child("photo", Update)?.Text : null;

    [Fact]
    [Trait("Conformance", "XEP-0398 §2 §3.1 §3.2 §4 XEP-0084 §4 XEP-0153 §3")]
    public async Task An_avatar_set_through_pep_is_seen_through_the_vcard_and_back()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");
        await SubscriptionTests.MakeBothAsync(juliet, romeo);
        romeo.Caps = new TestCaps(Namespaces.DiscoInfo, Metadata + "+notify");
        await romeo.SendAsync(romeo.Caps.Presence());

        // §2: the account says it converts.
        var info = await juliet.IqAsync("get", $"<query xmlns='{Namespaces.DiscoInfo}'/>", juliet.Bare);
        Assert.Contains(info.Child("query", Namespaces.DiscoInfo)!.Children("feature", Namespaces.DiscoInfo), f => f.GetAttribute("var") == "urn:xmpp:pep-vcard-conversion:0");

        // A vCard with a name but no photo yet.
        Assert.Equal("result", (await juliet.IqAsync("set", "<vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN></vCard>")).GetAttribute("type"));

        // XEP-0084 §4.1-§4.2: data, then metadata naming it (and an external copy the vCard cannot hold).
        var first = Image(3);
        var firstHash = Hash(first);
        Assert.Equal(firstHash, PepClients.PublishedId(await juliet.PublishAsync(Data, firstHash, $"<data xmlns='{Data}'>{Convert.ToBase64String(first)}</data>")));
        Assert.Equal(firstHash, PepClients.PublishedId(await juliet.PublishAsync(Metadata, firstHash,
            $"<metadata xmlns='{Metadata}'><info bytes='{first.Length}' id='{firstHash}' type='image/png'/><info bytes='9' id='0000' type='image/png' url='https://example.org/a.png'/></metadata>")));
        Assert.Equal(firstHash, (await romeo.EventAsync(juliet.Bare, Metadata)).Child("item", PepClients.Event)!.GetAttribute("id"));

        // §3.1: seen through the vCard by anyone, the other fields kept.
        var card = (await romeo.IqAsync("get", "<vCard xmlns='vcard-temp'/>", juliet.Bare)).Child("vCard", Namespaces.VCard)!;
        Assert.Equal("Juliet Capulet", card.ChildText("FN", Namespaces.VCard));
        var photo = card.Child("PHOTO", Namespaces.VCard)!;
        Assert.Equal("image/png", photo.ChildText("TYPE", Namespaces.VCard));
        Assert.Equal(first, Convert.FromBase64String(photo.ChildText("BINVAL", Namespaces.VCard)!));

        // §4: the hash is in the presence the client sent without it, broadcast and directed; an empty photo is the client's word.
        await juliet.SendAsync("<presence><status>with avatar</status></presence>");
        Assert.Equal(firstHash, Photo(await romeo.WaitForAsync(e => e.Name == "presence" && e.GetAttribute("from") == juliet.Jid && e.ChildText("status", Namespaces.Client) == "with avatar", "juliet's presence")));
        await juliet.SendAsync($"<presence to='{romeo.Jid}'><status>directed</status><x xmlns='{Update}'/></presence>");
        Assert.Equal(firstHash, Photo(await romeo.WaitForAsync(e => e.Name == "presence" && e.ChildText("status", Namespaces.Client) == "directed", "juliet's directed presence")));
        await juliet.SendAsync($"<presence to='{romeo.Jid}'><status>hidden</status><x xmlns='{Update}'><photo/></x></presence>");
        Assert.Equal("", Photo(await romeo.WaitForAsync(e => e.Name == "presence" && e.ChildText("status", Namespaces.Client) == "hidden", "juliet's presence with an empty photo")));

        // §3.2 and back: a vCard set with another photo publishes its data and metadata, notified as any publish.
        var second = Image(7);
        var secondHash = Hash(second);
        var folded = string.Join("\n", Convert.ToBase64String(second).Chunk(76).Select(c => new string(c)));
        Assert.Equal("result", (await juliet.IqAsync("set", $"<vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN><PHOTO><TYPE>image/jpeg</TYPE><BINVAL>{folded}</BINVAL></PHOTO></vCard>")).GetAttribute("type"));
        var metadata = await romeo.EventAsync(juliet.Bare, Metadata);
        var item = metadata.Child("item", PepClients.Event)!;
        Assert.Equal(secondHash, item.GetAttribute("id"));
        var announced = item.Child("metadata", Metadata)!.Child("info", Metadata)!;
        Assert.Equal((secondHash, "image/jpeg", second.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), (announced.GetAttribute("id"), announced.GetAttribute("type"), announced.GetAttribute("bytes")));
        var data = await romeo.ItemsAsync(juliet.Bare, Data, inner: $"<item id='{secondHash}'/>");
        Assert.Equal(second, Convert.FromBase64String(data.Child("pubsub", PepClients.PubSub)!.Child("items", PepClients.PubSub)!.Child("item", PepClients.PubSub)!.ChildText("data", Data)!));
        await juliet.SendAsync("<presence><status>new avatar</status></presence>");
        Assert.Equal(secondHash, Photo(await romeo.WaitForAsync(e => e.Name == "presence" && e.ChildText("status", Namespaces.Client) == "new avatar", "juliet's presence")));

        // Setting the same vCard again publishes nothing new.
        await juliet.IqAsync("set", $"<vCard xmlns='vcard-temp'><FN>Juliet</FN><PHOTO><TYPE>image/jpeg</TYPE><BINVAL>{folded}</BINVAL></PHOTO></vCard>");
        await romeo.QuietAsync(e => PepClients.IsEvent(e));

        // XEP-0084 §4.5: empty metadata disables the avatar; the vCard loses its photo, presence its hash.
        await juliet.PublishAsync(Metadata, "current", $"<metadata xmlns='{Metadata}'/>");
        Assert.Null((await juliet.IqAsync("get", "<vCard xmlns='vcard-temp'/>")).Child("vCard", Namespaces.VCard)!.Child("PHOTO", Namespaces.VCard));
        await juliet.SendAsync("<presence><status>no avatar</status></presence>");
        Assert.Null(Photo(await romeo.WaitForAsync(e => e.Name == "presence" && e.ChildText("status", Namespaces.Client) == "no avatar", "juliet's presence")));
    }

    [Fact]
    [Trait("Conformance", "XEP-0398 §3.1")]
    public async Task Metadata_naming_an_image_that_does_not_hash_to_its_id_leaves_the_vcard_alone()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        var image = Image(5);
        const string wrong = "0123456789abcdef0123456789abcdef01234567";
        await juliet.PublishAsync(Data, wrong, $"<data xmlns='{Data}'>{Convert.ToBase64String(image)}</data>");
        Assert.Equal("result", (await juliet.PublishAsync(Metadata, wrong, $"<metadata xmlns='{Metadata}'><info bytes='{image.Length}' id='{wrong}' type='image/png'/></metadata>")).GetAttribute("type"));
        Assert.Null((await juliet.IqAsync("get", "<vCard xmlns='vcard-temp'/>")).Child("vCard", Namespaces.VCard)!.Child("PHOTO", Namespaces.VCard));

        // Metadata naming an image never published: nothing either, and the publish itself stands.
        Assert.Equal("result", (await juliet.PublishAsync(Metadata, "missing", $"<metadata xmlns='{Metadata}'><info bytes='1' id='{Hash([1])}' type='image/png'/></metadata>")).GetAttribute("type"));
        Assert.Null((await juliet.IqAsync("get", "<vCard xmlns='vcard-temp'/>")).Child("vCard", Namespaces.VCard)!.Child("PHOTO", Namespaces.VCard));
    }
}
