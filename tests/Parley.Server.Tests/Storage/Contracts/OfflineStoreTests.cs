using Parley.Server.Modules.Offline;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary>The XEP-0160 queue (<see cref="SqlOfflineStore"/>) on every engine.</summary>
public abstract class OfflineStoreTests(StorageEngine engine) : StoreContract(engine)
{
    private static readonly DateTimeOffset Received = new(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero);

    private SqlOfflineStore Store => new(Sql);

    private static Element Message(string body)
    {
        var message = new Element("message", Namespaces.Client).SetAttribute("to", "romeo@localhost").SetAttribute("from", "juliet@localhost/balcony");
        message.AddElement("body").AddText(body);
        return message;
    }

    [Fact]
    public async Task Stanzas_come_back_exactly_in_arrival_order_with_their_time()
    {
        var romeo = await AccountAsync("romeo@localhost");
        var rich = Message("<&> \"ünïcödé\" ]]>");
        rich.AddElement("x", "urn:example:payload").SetAttribute("a", "'1'").AddElement("y").AddText("deep");
        Assert.True(await Store.TryAddAsync(romeo, rich, Received, new OfflineQuota(10, long.MaxValue)));
        Assert.True(await Store.TryAddAsync(romeo, Message("second"), Received.AddSeconds(1), new OfflineQuota(10, long.MaxValue)));

        var stored = await Store.PeekAsync(romeo, 10);
        Assert.Equal(2, stored.Count);
        Assert.Equal(rich.ToString(), stored[0].Stanza.ToString());
        Assert.Equal(Namespaces.Client, stored[0].Stanza.Namespace);
        Assert.Equal("deep", stored[0].Stanza.Child("x", "urn:example:payload")!.ChildText("y", "urn:example:payload"));
        Assert.Equal(Received, stored[0].ReceivedAt);
        Assert.Equal("second", stored[1].Stanza.ChildText("body", Namespaces.Client));
        Assert.True(stored[0].Id < stored[1].Id);
    }

    [Fact]
    public async Task Quota_is_exact_and_removal_frees_room_only_up_to_the_given_id()
    {
        var romeo = await AccountAsync("romeo@localhost");
        Assert.True(await Store.TryAddAsync(romeo, Message("1"), Received, new OfflineQuota(2, long.MaxValue)));
        Assert.True(await Store.TryAddAsync(romeo, Message("2"), Received, new OfflineQuota(2, long.MaxValue)));
        Assert.False(await Store.TryAddAsync(romeo, Message("3"), Received, new OfflineQuota(2, long.MaxValue)));
        Assert.Equal(2, await Store.CountAsync(romeo));

        var first = (await Store.PeekAsync(romeo, 1))[0];
        await Store.RemoveThroughAsync(romeo, first.Id);
        Assert.Equal(["2"], (await Store.PeekAsync(romeo, 10)).Select(m => m.Stanza.ChildText("body", Namespaces.Client)));
        Assert.True(await Store.TryAddAsync(romeo, Message("4"), Received, new OfflineQuota(2, long.MaxValue)));
    }

    [Fact]
    public async Task The_byte_quota_counts_utf8_bytes_of_the_stored_xml_exactly()
    {
        var romeo = await AccountAsync("romeo@localhost");

        // 'é' is one character and two UTF-8 bytes: the quota is in bytes.
        var first = Message(new string('\u00e9', 100));
        var second = Message("ascii");
        static long Size(Element m) => System.Text.Encoding.UTF8.GetByteCount(ElementWriter.ToXml(m, Namespaces.Client));
        var quota = new OfflineQuota(10, Size(first) + Size(second));

        Assert.True(await Store.TryAddAsync(romeo, first, Received, quota));
        Assert.False(await Store.TryAddAsync(romeo, Message("asciii"), Received, quota));
        Assert.True(await Store.TryAddAsync(romeo, second, Received, quota));
        Assert.False(await Store.TryAddAsync(romeo, Message(""), Received, quota));
        Assert.Equal(2, await Store.CountAsync(romeo));
    }

    [Fact]
    public async Task Concurrent_senders_never_exceed_the_quota()
    {
        var romeo = await AccountAsync("romeo@localhost");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Store.TryAddAsync(romeo, Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Received, new OfflineQuota(5, long.MaxValue)))));
        Assert.Equal(5, results.Count(r => r));
        Assert.Equal(5, await Store.CountAsync(romeo));
    }

    [Fact]
    public async Task Queues_are_per_account_and_go_with_the_account()
    {
        var romeo = await AccountAsync("romeo@localhost");
        var juliet = await AccountAsync("juliet@localhost");
        Assert.True(await Store.TryAddAsync(romeo, Message("for romeo"), Received, new OfflineQuota(5, long.MaxValue)));
        Assert.True(await Store.TryAddAsync(juliet, Message("for juliet"), Received, new OfflineQuota(5, long.MaxValue)));

        var mine = await Store.PeekAsync(romeo, 10);
        await Store.RemoveThroughAsync(juliet, mine[0].Id + 1000);
        Assert.Equal(1, await Store.CountAsync(romeo));
        Assert.Equal(0, await Store.CountAsync(juliet));

        Assert.True(await Accounts.DeleteAsync(romeo));
        Assert.Equal(0, await Store.CountAsync(romeo));
    }
}

public sealed class OfflineStoreOnSqlite() : OfflineStoreTests(StorageEngine.Sqlite);

public sealed class OfflineStoreOnPostgres() : OfflineStoreTests(StorageEngine.Postgres);
