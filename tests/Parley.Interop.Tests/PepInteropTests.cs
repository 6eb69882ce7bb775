using System.Globalization;
using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// slixmpp's own PEP plugins (Debian's python3-slixmpp: xep_0163, xep_0084, xep_0153, xep_0048,
/// xep_0223; 1.8.3 ships no xep_0402) and aioxmpp's avatar service (Debian's python3-aioxmpp)
/// against the real server's PEP service and its avatar (XEP-0398) and bookmark (XEP-0402 §6) conversions.
/// </summary>
[Collection(ParleyServerCollection.Name)]
public sealed class PepInteropTests(ParleyServer server)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    [Trait("Conformance", "XEP-0163 XEP-0084 XEP-0153 XEP-0398 XEP-0048 XEP-0223 XEP-0402 §6")]
    public async Task Slixmpp_avatars_and_bookmarks_cross_between_pep_vcard_and_private_xml()
    {
        var owner = await server.CreateAccountAsync("pepowner");
        var contact = await server.CreateAccountAsync("pepcontact");

        await using var script = ChildProcess.Start(
            RepositoryPaths.Python,
            [Path.Combine(RepositoryPaths.InteropScripts, "slixmpp_pep.py"), "run", ParleyServer.Host, server.C2sPort.ToString(CultureInfo.InvariantCulture),
                owner.Jid.ToString(), owner.Password, contact.Jid.ToString(), contact.Password],
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        var features = run.Single("owner", "account").GetProperty("features").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("urn:xmpp:pep-vcard-conversion:0", features);
        Assert.Contains("urn:xmpp:bookmarks:1#compat", features);
        Assert.Contains("urn:xmpp:bookmarks:1#compat-pep", features);

        // Published through xep_0084: notified, in the vCard, in presence.
        var metadata = run.Single("contact", "metadata");
        var first = metadata.GetProperty("expected").GetString();
        Assert.Equal(first, metadata.GetProperty("id").GetString());
        Assert.Equal(first, metadata.GetProperty("infos")[0][0].GetString());
        var vcard = run.Single("contact", "vcard");
        Assert.Equal(("image/png", first), (vcard.GetProperty("type").GetString(), vcard.GetProperty("sha1").GetString()));
        Assert.Equal(first, run.Single("contact", "presence").GetProperty("photo").GetString());

        // Set through xep_0153's vCard: published as the PEP avatar.
        var back = run.Single("contact", "metadata-from-vcard");
        var second = back.GetProperty("expected").GetString();
        Assert.Equal(second, back.GetProperty("id").GetString());
        Assert.Equal([second, "image/jpeg"], back.GetProperty("infos")[0].EnumerateArray().Take(2).Select(v => v.GetString()));
        Assert.Equal(second, run.Single("contact", "data").GetProperty("sha1").GetString());

        // xep_0048's list in private XML is a XEP-0402 item; a XEP-0402 item is in both xep_0048 lists.
        var orchard = run.Single("owner", "native").GetProperty("rooms").GetProperty("orchard@conference.localhost");
        Assert.Equal(("Orchard", "true", "Romeo"), (orchard.GetProperty("name").GetString(), orchard.GetProperty("autojoin").GetString(), orchard.GetProperty("nick").GetString()));
        foreach (var legacy in run.For("owner", "legacy"))
        {
            Assert.Equal(["balcony@conference.localhost", "orchard@conference.localhost"], legacy.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()));
        }

        Assert.Equal(2, run.For("owner", "legacy").Count());
        Assert.Equal("not-allowed", run.Single("contact", "private-list").GetProperty("refused").GetString());
    }

    [Fact]
    [Trait("Conformance", "XEP-0084 XEP-0398 §3.1")]
    public async Task Aioxmpp_avatar_service_publishes_an_avatar_read_through_pep_and_the_vcard()
    {
        var owner = await server.CreateAccountAsync("aioowner");
        var contact = await server.CreateAccountAsync("aiocontact");

        await using var script = ChildProcess.Start(
            RepositoryPaths.Python,
            [Path.Combine(RepositoryPaths.InteropScripts, "aioxmpp_avatar.py"), "run", ParleyServer.Host, server.C2sPort.ToString(CultureInfo.InvariantCulture),
                owner.Jid.ToString(), owner.Password, contact.Jid.ToString(), contact.Password],
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        var published = run.Single("owner", "published");
        var id = published.GetProperty("sha1").GetString();
        Assert.Equal(id, published.GetProperty("id").GetString());
        var pep = run.Single("contact", "pep");
        Assert.Equal((id, "image/png", id), (pep.GetProperty("id").GetString(), pep.GetProperty("mime").GetString(), pep.GetProperty("sha1").GetString()));
        var vcard = run.Single("contact", "vcard");
        Assert.Equal(("image/png", id), (vcard.GetProperty("mime").GetString(), vcard.GetProperty("sha1").GetString()));
        Assert.False(run.Single("contact", "vcard-after-disable").GetProperty("photo").GetBoolean());
    }
}
