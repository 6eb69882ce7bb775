using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Blocking;
using Parley.Server.Modules.PrivateStorage;
using Parley.Server.Modules.VCard;
using Parley.Server.Storage;
using Parley.Server.Tests.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Tests.Blocking;

/// <summary>The blocklist, vCard and private XML stores against SQLite: what an account keeps goes with it.</summary>
public sealed class AccountDataTests
{
    [Fact]
    public async Task Deleting_an_account_deletes_its_blocklist_vcard_and_private_xml()
    {
        using var data = new TempDataDirectory();
        await using var services = await data.CreateServicesAsync();
        var database = services.GetRequiredService<SqlDatabase>();
        var accounts = services.GetRequiredService<IAccountStore>();
        var juliet = Jid.Parse("juliet@localhost");
        var blocklists = new SqlBlocklistStore(database);
        var vcards = new SqlVCardStore(database);
        var privateXml = new SqlPrivateXmlStore(database);
        var ct = CancellationToken.None;

        Assert.True(await accounts.CreateAsync(juliet, [], ct));
        await blocklists.AddAsync(juliet, [Jid.Parse("romeo@localhost")], ct);
        await vcards.SetAsync(juliet, "<vCard xmlns='vcard-temp'><FN>J</FN></vCard>", ct);
        Assert.True(await privateXml.SetAsync(juliet, [new PrivateXmlItem("a", "urn:x", "<a xmlns='urn:x'>1</a>")], 1024, ct));

        Assert.True(await accounts.DeleteAsync(juliet, ct));
        Assert.True(await accounts.CreateAsync(juliet, [], ct));
        Assert.Empty(await blocklists.GetAsync(juliet, ct));
        Assert.Null(await vcards.GetAsync(juliet, ct));
        Assert.Null(await privateXml.GetAsync(juliet, "a", "urn:x", ct));
    }

    [Fact]
    public void Stored_xml_reads_back_as_written()
    {
        var element = new Parley.Xmpp.Xml.Element("prefs", "urn:example:prefs").SetAttribute("lang", "en", Parley.Xmpp.Namespaces.Xml);
        element.AddElement("nick").AddText("J & <R>");
        element.AddElement("empty", "");
        var back = StoredXml.Read(StoredXml.Write(element));
        Assert.Equal(StoredXml.Write(element), StoredXml.Write(back));
        Assert.Equal("", back.Child("empty", "")!.Namespace);
        Assert.Equal("J & <R>", back.ChildText("nick", "urn:example:prefs"));
    }
}
