using Parley.Server.Modules.Pep;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary>The PEP store (XEP-0163 nodes and items) on every engine.</summary>
public abstract class PepStoreTests(StorageEngine engine) : StoreContract(engine)
{
    private SqlPepStore Pep => new(Sql);

    private static PepItem Item(string id, string text) => new(id, $"<note xmlns='urn:example:notes'>{text}</note>", "juliet@localhost/balcony");

    [Fact]
    public async Task Nodes_are_created_within_the_limit_configured_and_deleted_with_their_items()
    {
        var juliet = await AccountAsync("juliet@localhost");
        var open = NodeConfig.Default with { Access = AccessModel.Open, MaxItems = null, RosterGroups = "Family\nFriends", SendLast = SendLastPublishedItem.Never };
        Assert.True(await Pep.CreateAsync(juliet, "urn:a", open, 2, None));
        Assert.True(await Pep.CreateAsync(juliet, "urn:b", NodeConfig.Default, 2, None));
        Assert.False(await Pep.CreateAsync(juliet, "urn:c", NodeConfig.Default, 2, None));
        Assert.Equal(open, (await Pep.FindAsync(juliet, "urn:a", None))!.Config);
        Assert.Equal(["urn:a", "urn:b"], (await Pep.NodesAsync(juliet, None)).Select(n => n.Name));

        var whitelist = NodeConfig.Default with { Access = AccessModel.Whitelist, PersistItems = false, NotifyRetract = false, MaxItems = 3 };
        await Pep.ConfigureAsync(juliet, "urn:b", whitelist, 3, None);
        Assert.Equal(whitelist, (await Pep.FindAsync(juliet, "urn:b", None))!.Config);

        await Pep.PublishAsync(juliet, "urn:a", Item("1", "x"), 10, None);
        Assert.True(await Pep.DeleteAsync(juliet, "urn:a", None));
        Assert.False(await Pep.DeleteAsync(juliet, "urn:a", None));
        Assert.Null(await Pep.FindAsync(juliet, "urn:a", None));
        Assert.True(await Pep.CreateAsync(juliet, "urn:a", NodeConfig.Default, 2, None));
        Assert.Empty(await Pep.ItemsAsync(juliet, "urn:a", null, null, None));
    }

    [Fact]
    public async Task Items_are_kept_newest_first_replaced_by_id_trimmed_retracted_and_purged()
    {
        var juliet = await AccountAsync("juliet@localhost");
        await Pep.CreateAsync(juliet, "urn:n", NodeConfig.Default, 10, None);
        foreach (var id in new[] { "a", "b", "c" })
        {
            await Pep.PublishAsync(juliet, "urn:n", Item(id, id), 3, None);
        }

        Assert.Equal(["c", "b", "a"], (await Pep.ItemsAsync(juliet, "urn:n", null, null, None)).Select(i => i.Id));

        // Republishing "a" replaces it and makes it the newest; then a fourth item pushes out the oldest.
        await Pep.PublishAsync(juliet, "urn:n", Item("a", "a2 ünï"), 3, None);
        await Pep.PublishAsync(juliet, "urn:n", Item("d", "d"), 3, None);
        var items = await Pep.ItemsAsync(juliet, "urn:n", null, null, None);
        Assert.Equal(["d", "a", "c"], items.Select(i => i.Id));
        Assert.Equal("<note xmlns='urn:example:notes'>a2 ünï</note>", items[1].Xml);
        Assert.Equal("juliet@localhost/balcony", items[1].Publisher);
        Assert.Equal(["d", "a"], (await Pep.ItemsAsync(juliet, "urn:n", 2, null, None)).Select(i => i.Id));
        Assert.Equal(["c"], (await Pep.ItemsAsync(juliet, "urn:n", null, ["c", "zz"], None)).Select(i => i.Id));

        // Configuring fewer items trims at once.
        await Pep.ConfigureAsync(juliet, "urn:n", NodeConfig.Default with { MaxItems = 2 }, 2, None);
        Assert.Equal(["d", "a"], (await Pep.ItemsAsync(juliet, "urn:n", null, null, None)).Select(i => i.Id));

        Assert.True(await Pep.RetractAsync(juliet, "urn:n", "d", None));
        Assert.False(await Pep.RetractAsync(juliet, "urn:n", "d", None));
        await Pep.PurgeAsync(juliet, "urn:n", None);
        Assert.Empty(await Pep.ItemsAsync(juliet, "urn:n", null, null, None));
    }

    [Fact]
    public async Task Accounts_have_their_own_nodes_and_deleting_an_account_deletes_them()
    {
        var juliet = await AccountAsync("juliet@localhost");
        var romeo = await AccountAsync("romeo@localhost");
        await Pep.CreateAsync(juliet, "urn:n", NodeConfig.Default, 10, None);
        await Pep.PublishAsync(juliet, "urn:n", Item("a", "j"), 5, None);
        Assert.Null(await Pep.FindAsync(romeo, "urn:n", None));

        Assert.True(await Accounts.DeleteAsync(juliet, None));
        Assert.True(await Accounts.CreateAsync(juliet, [], None));
        Assert.Empty(await Pep.NodesAsync(juliet, None));
        Assert.True(await Pep.CreateAsync(juliet, "urn:n", NodeConfig.Default, 10, None));
        Assert.Empty(await Pep.ItemsAsync(juliet, "urn:n", null, null, None));
    }
}

public sealed class PepStoreOnSqlite() : PepStoreTests(StorageEngine.Sqlite);

public sealed class PepStoreOnPostgres() : PepStoreTests(StorageEngine.Postgres);
