using Parley.Server.Modules.Blocking;
using Parley.Server.Modules.PrivateStorage;
using Parley.Server.Modules.VCard;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary>The blocklist (XEP-0191), vCard (XEP-0054) and private XML (XEP-0049) stores on every engine.</summary>
public abstract class AccountDataStoreTests(StorageEngine engine) : StoreContract(engine)
{
    private SqlBlocklistStore Blocklists => new(Sql);

    private SqlVCardStore VCards => new(Sql);

    private SqlPrivateXmlStore PrivateXml => new(Sql);

    [Fact]
    public async Task Blocklist_items_are_added_once_removed_singly_or_all_and_read_in_order()
    {
        var juliet = await AccountAsync("juliet@localhost");
        await Blocklists.AddAsync(juliet, [Jid.Parse("tybalt@capulet.lit"), Jid.Parse("montague.lit")], None);
        await Blocklists.AddAsync(juliet, [Jid.Parse("montague.lit"), Jid.Parse("nurse@capulet.lit/kitchen")], None);
        Assert.Equal(["montague.lit", "nurse@capulet.lit/kitchen", "tybalt@capulet.lit"], (await Blocklists.GetAsync(juliet, None)).Select(j => j.ToString()));

        await Blocklists.RemoveAsync(juliet, [Jid.Parse("montague.lit"), Jid.Parse("never@blocked.lit")], None);
        Assert.Equal(2, (await Blocklists.GetAsync(juliet, None)).Count);
        await Blocklists.RemoveAsync(juliet, null, None);
        Assert.Empty(await Blocklists.GetAsync(juliet, None));
    }

    [Fact]
    public async Task A_vcard_is_stored_replaced_and_removed()
    {
        var juliet = await AccountAsync("juliet@localhost");
        Assert.Null(await VCards.GetAsync(juliet, None));
        await VCards.SetAsync(juliet, "<vCard xmlns='vcard-temp'><FN>J</FN></vCard>", None);
        await VCards.SetAsync(juliet, "<vCard xmlns='vcard-temp'><FN>Juliet ünï</FN></vCard>", None);
        Assert.Equal("<vCard xmlns='vcard-temp'><FN>Juliet ünï</FN></vCard>", await VCards.GetAsync(juliet, None));
        await VCards.SetAsync(juliet, null, None);
        Assert.Null(await VCards.GetAsync(juliet, None));
    }

    [Fact]
    public async Task Private_xml_is_kept_by_name_and_namespace_within_the_quota()
    {
        var juliet = await AccountAsync("juliet@localhost");
        Assert.True(await PrivateXml.SetAsync(juliet, [new PrivateXmlItem("a", "urn:x", "<a xmlns='urn:x'>1</a>"), new PrivateXmlItem("a", "urn:y", "<a xmlns='urn:y'/>")], 1024, None));
        Assert.Equal("<a xmlns='urn:x'>1</a>", await PrivateXml.GetAsync(juliet, "a", "urn:x", None));
        Assert.Null(await PrivateXml.GetAsync(juliet, "b", "urn:x", None));

        // Over the quota: nothing of the request changes.
        Assert.False(await PrivateXml.SetAsync(juliet, [new PrivateXmlItem("a", "urn:x", "<a xmlns='urn:x'>2</a>"), new PrivateXmlItem("b", "urn:x", "<b xmlns='urn:x'>" + new string('z', 1024) + "</b>")], 1024, None));
        Assert.Equal("<a xmlns='urn:x'>1</a>", await PrivateXml.GetAsync(juliet, "a", "urn:x", None));
        Assert.Null(await PrivateXml.GetAsync(juliet, "b", "urn:x", None));

        Assert.True(await PrivateXml.SetAsync(juliet, [new PrivateXmlItem("a", "urn:x", null)], 1024, None));
        Assert.Null(await PrivateXml.GetAsync(juliet, "a", "urn:x", None));
    }

    [Fact]
    public async Task Concurrent_private_xml_writers_cannot_both_slip_under_the_quota()
    {
        var juliet = await AccountAsync("juliet@localhost");
        var element = "<e xmlns='urn:q'>" + new string('z', 300) + "</e>";
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            PrivateXml.SetAsync(juliet, [new PrivateXmlItem("e" + i, "urn:q", element.Replace("<e ", "<e" + i + " ", StringComparison.Ordinal).Replace("</e>", "</e" + i + ">", StringComparison.Ordinal))], 1000, None))));
        Assert.Equal(3, results.Count(r => r));
    }

    [Fact]
    public async Task Deleting_an_account_deletes_its_blocklist_vcard_and_private_xml()
    {
        var juliet = await AccountAsync("juliet@localhost");
        await Blocklists.AddAsync(juliet, [Jid.Parse("romeo@localhost")], None);
        await VCards.SetAsync(juliet, "<vCard xmlns='vcard-temp'><FN>J</FN></vCard>", None);
        Assert.True(await PrivateXml.SetAsync(juliet, [new PrivateXmlItem("a", "urn:x", "<a xmlns='urn:x'>1</a>")], 1024, None));

        Assert.True(await Accounts.DeleteAsync(juliet, None));
        Assert.True(await Accounts.CreateAsync(juliet, [], None));
        Assert.Empty(await Blocklists.GetAsync(juliet, None));
        Assert.Null(await VCards.GetAsync(juliet, None));
        Assert.Null(await PrivateXml.GetAsync(juliet, "a", "urn:x", None));
    }
}

public sealed class AccountDataOnSqlite() : AccountDataStoreTests(StorageEngine.Sqlite);

public sealed class AccountDataOnPostgres() : AccountDataStoreTests(StorageEngine.Postgres);
