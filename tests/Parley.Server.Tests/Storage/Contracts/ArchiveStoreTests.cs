using Parley.Server.Modules.Archive;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary>The XEP-0313 archive (<see cref="SqlArchiveStore"/>) on every engine: one SQL text, per-engine migrations.</summary>
public abstract class ArchiveStoreTests(StorageEngine engine) : StoreContract(engine)
{
    private static readonly DateTimeOffset Received = new(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero);

    private SqlArchiveStore Store => new(Sql);

    private static ArchivedMessage Message(long id, ArchiveOwner owner, string with, string body)
    {
        var message = new Element("message", Namespaces.Client).SetAttribute("from", with).SetAttribute("type", owner.IsRoom ? "groupchat" : "chat");
        message.AddElement("body").AddText(body);
        return new ArchivedMessage(id, owner, Jid.Parse(with), Received.AddSeconds(id), StoredXml.Write(message));
    }

    private async Task<ArchiveOwner> OwnerAsync(string account) => ArchiveOwner.Account(await AccountAsync(account));

    private static ArchiveQuery Query(Jid? with = null, long? lowest = null, long? highest = null, IReadOnlyList<long>? ids = null, int max = 10,
        long? after = null, long? before = null, bool backward = false, int? index = null) =>
        new(with, lowest, highest, ids, max, after, before, backward, index, false, []);

    private static List<string?> Bodies(ArchivePage page) =>
        [.. page.Items.Select(i => StoredXml.Read(i.Stanza).ChildText("body", Namespaces.Client))];

    /// <summary>Romeo's archive with ids 1..5: odd ones with juliet/balcony, even ones with the nurse.</summary>
    private async Task<ArchiveOwner> FilledAsync()
    {
        var romeo = await OwnerAsync("romeo@localhost");
        await Store.AppendAsync([.. Enumerable.Range(1, 5).Select(i => Message(i, romeo, i % 2 == 1 ? "juliet@localhost/balcony" : "nurse@localhost", "m" + i))], None);
        return romeo;
    }

    [Fact]
    public async Task Messages_come_back_exactly_with_their_time_and_party()
    {
        var romeo = await OwnerAsync("romeo@localhost");
        var rich = new Element("message", Namespaces.Client).SetAttribute("from", "juliet@localhost/balcony");
        rich.AddElement("body").AddText("<&> \"ünïcödé\" ]]>");
        rich.AddElement("stanza-id", Namespaces.StanzaId).SetAttribute("id", "7").SetAttribute("by", "romeo@localhost");
        await Store.AppendAsync([new ArchivedMessage(7, romeo, Jid.Parse("juliet@localhost/balcony"), Received, StoredXml.Write(rich))], None);

        var item = Assert.Single((await Store.QueryAsync(romeo, Query(), None)).Items);
        Assert.Equal(rich.ToString(), StoredXml.Read(item.Stanza).ToString());
        Assert.Equal((7L, Received, "juliet@localhost/balcony"), (item.Id, item.ReceivedAt, item.With.ToString()));
        Assert.Equal(7, await Store.LargestIdAsync(None));
    }

    [Fact]
    public async Task Pages_forward_and_backward_with_count_index_and_complete()
    {
        var romeo = await FilledAsync();
        var first = await Store.QueryAsync(romeo, Query(max: 2), None);
        Assert.Equal(["m1", "m2"], Bodies(first));
        Assert.Equal((5, 0, false), (first.Count, first.FirstIndex, first.Complete));
        var next = await Store.QueryAsync(romeo, Query(max: 2, after: 4), None);
        Assert.Equal(["m5"], Bodies(next));
        Assert.Equal((4, true), (next.FirstIndex, next.Complete));
        var last = await Store.QueryAsync(romeo, Query(max: 2, backward: true), None);
        Assert.Equal(["m4", "m5"], Bodies(last));
        Assert.Equal((3, false), (last.FirstIndex, last.Complete));
        var earlier = await Store.QueryAsync(romeo, Query(max: 3, before: 4, backward: true), None);
        Assert.Equal(["m1", "m2", "m3"], Bodies(earlier));
        Assert.Equal((0, true), (earlier.FirstIndex, earlier.Complete));
        var skipped = await Store.QueryAsync(romeo, Query(max: 2, index: 2), None);
        Assert.Equal(["m3", "m4"], Bodies(skipped));
        Assert.Equal((2), (skipped.FirstIndex));
        var countOnly = await Store.QueryAsync(romeo, Query(max: 0), None);
        Assert.Equal((0, 5, false), (countOnly.Items.Count, countOnly.Count, countOnly.Complete));
    }

    [Fact]
    public async Task Filters_select_by_party_id_range_and_ids()
    {
        var romeo = await FilledAsync();
        Assert.Equal(["m1", "m3", "m5"], Bodies(await Store.QueryAsync(romeo, Query(with: Jid.Parse("juliet@localhost")), None)));
        Assert.Equal(["m1", "m3", "m5"], Bodies(await Store.QueryAsync(romeo, Query(with: Jid.Parse("juliet@localhost/balcony")), None)));
        Assert.Empty((await Store.QueryAsync(romeo, Query(with: Jid.Parse("juliet@localhost/phone")), None)).Items);
        Assert.Equal(["m2", "m4"], Bodies(await Store.QueryAsync(romeo, Query(with: Jid.Parse("nurse@localhost")), None)));
        Assert.Equal(["m2", "m3"], Bodies(await Store.QueryAsync(romeo, Query(lowest: 2, highest: 3), None)));
        Assert.Equal(["m1", "m4"], Bodies(await Store.QueryAsync(romeo, Query(ids: [4, 1, 99]), None)));
        var withPage = await Store.QueryAsync(romeo, Query(with: Jid.Parse("juliet@localhost"), max: 1, after: 1), None);
        Assert.Equal(["m3"], Bodies(withPage));
        Assert.Equal((3, 1, false), (withPage.Count, withPage.FirstIndex, withPage.Complete));
        Assert.Equal([1L, 5L], (await Store.ExistingAsync(romeo, [1, 5, 6], None)).Order());
    }

    [Fact]
    public async Task Archives_are_per_account_and_go_with_the_account()
    {
        var romeo = await FilledAsync();
        var juliet = await OwnerAsync("juliet@localhost");
        await Store.AppendAsync([Message(10, juliet, "romeo@localhost/garden", "hers")], None);
        Assert.Empty(await Store.ExistingAsync(juliet, [1, 2], None));
        Assert.Equal(["hers"], Bodies(await Store.QueryAsync(juliet, Query(), None)));
        var bounds = await Store.BoundsAsync(romeo, None);
        Assert.Equal((1L, 5L), (bounds!.Value.First.Id, bounds.Value.Last.Id));

        Assert.True(await Accounts.DeleteAsync(romeo.Jid));
        Assert.Null(await Store.BoundsAsync(romeo, None));
        Assert.Equal(1, (await Store.QueryAsync(juliet, Query(), None)).Count);
    }

    [Fact]
    public async Task Writes_for_a_removed_account_are_skipped_and_repeated_batches_change_nothing()
    {
        var romeo = await FilledAsync();
        var gone = ArchiveOwner.Account(Jid.Parse("tybalt@localhost"));
        await Store.AppendAsync([Message(20, gone, "romeo@localhost", "too late"), Message(21, romeo, "juliet@localhost", "kept"), Message(1, romeo, "juliet@localhost", "again")], None);
        Assert.Null(await Store.BoundsAsync(gone, None));
        var all = await Store.QueryAsync(romeo, Query(), None);
        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "kept"], Bodies(all));
    }

    [Fact]
    public async Task Retention_and_per_user_deletion_remove_exactly_what_they_name()
    {
        var romeo = await FilledAsync();
        var juliet = await OwnerAsync("juliet@localhost");
        await Store.AppendAsync([Message(2 + 100, juliet, "romeo@localhost", "hers")], None);
        Assert.Equal(2, await Store.DeleteBelowAsync(3, None));
        Assert.Equal(["m3", "m4", "m5"], Bodies(await Store.QueryAsync(romeo, Query(), None)));
        Assert.Equal(3, await Store.DeleteAllAsync(romeo, None));
        Assert.Equal(0, (await Store.QueryAsync(romeo, Query(), None)).Count);
        Assert.Equal(1, (await Store.QueryAsync(juliet, Query(), None)).Count);
    }

    [Fact]
    public async Task A_rooms_archive_needs_no_account_stays_apart_and_ends_with_the_room()
    {
        var romeo = await FilledAsync();
        var lobby = ArchiveOwner.Room(Jid.Parse("lobby@conference.localhost"));
        var other = ArchiveOwner.Room(Jid.Parse("other@conference.localhost"));

        // One batch mixing both kinds, as the one writer queues them; the room is no account and its rows are kept.
        await Store.AppendAsync([Message(30, lobby, "lobby@conference.localhost/Romeo", "r1"), Message(31, romeo, "juliet@localhost", "m31"),
            Message(32, lobby, "lobby@conference.localhost/Juliet", "r2"), Message(33, other, "other@conference.localhost/Romeo", "o1"),
            Message(30, lobby, "lobby@conference.localhost/Romeo", "again")], None);
        Assert.Equal(["r1", "r2"], Bodies(await Store.QueryAsync(lobby, Query(), None)));
        Assert.Equal(["r2"], Bodies(await Store.QueryAsync(lobby, Query(with: Jid.Parse("lobby@conference.localhost/Juliet")), None)));
        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "m31"], Bodies(await Store.QueryAsync(romeo, Query(), None)));

        // The same JID as an account's archive names a different archive.
        Assert.Empty((await Store.QueryAsync(ArchiveOwner.Account(lobby.Jid), Query(), None)).Items);
        Assert.Equal([32L], await Store.ExistingAsync(lobby, [31, 32], None));
        var bounds = await Store.BoundsAsync(lobby, None);
        Assert.Equal((30L, 32L), (bounds!.Value.First.Id, bounds.Value.Last.Id));
        Assert.Equal(33, await Store.LargestIdAsync(None));

        // Retention counts rooms' rows too; a room's deletion leaves the others.
        Assert.Equal(2, await Store.DeleteBelowAsync(3, None));
        Assert.Equal(4, await Store.DeleteBelowAsync(31, None));
        Assert.Equal(["r2"], Bodies(await Store.QueryAsync(lobby, Query(), None)));
        Assert.Equal(1, await Store.DeleteAllAsync(lobby, None));
        Assert.Null(await Store.BoundsAsync(lobby, None));
        Assert.Equal(1, (await Store.QueryAsync(other, Query(), None)).Count);
        Assert.Equal(["m31"], Bodies(await Store.QueryAsync(romeo, Query(), None)));
    }

    [Fact]
    public async Task Preferences_are_stored_replaced_and_go_with_the_account()
    {
        var romeo = await AccountAsync("romeo@localhost");
        Assert.Null(await Store.GetPreferencesAsync(romeo, None));
        await Store.SetPreferencesAsync(romeo, new ArchivePreferences(ArchivePolicy.Roster, new HashSet<Jid> { Jid.Parse("juliet@localhost"), Jid.Parse("nurse@localhost/kitchen") }, new HashSet<Jid>()), None);
        await Store.SetPreferencesAsync(romeo, new ArchivePreferences(ArchivePolicy.Never, new HashSet<Jid> { Jid.Parse("juliet@localhost") }, new HashSet<Jid> { Jid.Parse("tybalt@localhost") }), None);
        var stored = await Store.GetPreferencesAsync(romeo, None);
        Assert.Equal(ArchivePolicy.Never, stored!.Default);
        Assert.Equal(["juliet@localhost"], stored.Always.Select(j => j.ToString()));
        Assert.Equal(["tybalt@localhost"], stored.Never.Select(j => j.ToString()));

        Assert.True(await Accounts.DeleteAsync(romeo));
        await AccountAsync("romeo@localhost");
        Assert.Null(await Store.GetPreferencesAsync(romeo, None));
    }
}

public sealed class ArchiveStoreOnSqlite() : ArchiveStoreTests(StorageEngine.Sqlite);

public sealed class ArchiveStoreOnPostgres() : ArchiveStoreTests(StorageEngine.Postgres);
