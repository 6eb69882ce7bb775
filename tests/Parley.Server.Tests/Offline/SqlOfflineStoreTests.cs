using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Accounts;
using Parley.Server.Modules.Offline;
using Parley.Server.Storage;
using Parley.Server.Tests.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Offline;

/// <summary>The offline queue against a real SQLite file.</summary>
public sealed class SqlOfflineStoreTests : IDisposable
{
    private static readonly Jid Romeo = Jid.Create("romeo", "localhost");
    private static readonly DateTimeOffset Received = new(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private async Task<(ServiceProvider Services, SqlOfflineStore Store)> StoreAsync()
    {
        var services = await _data.CreateServicesAsync();
        Assert.Equal(AccountResult.Succeeded, await services.GetRequiredService<AccountService>().CreateAsync(Romeo, "secret"));
        return (services, new SqlOfflineStore(services.GetRequiredService<SqlDatabase>()));
    }

    private static Element Message(string body)
    {
        var message = new Element("message", Namespaces.Client).SetAttribute("to", "romeo@localhost").SetAttribute("from", "juliet@localhost/balcony");
        message.AddElement("body").AddText(body);
        return message;
    }

    [Fact]
    public async Task Stanzas_come_back_exactly_in_arrival_order_with_their_time()
    {
        var (services, store) = await StoreAsync();
        await using (services)
        {
            var rich = Message("<&> \"ünïcödé\" ]]>");
            rich.AddElement("x", "urn:example:payload").SetAttribute("a", "'1'").AddElement("y").AddText("deep");
            Assert.True(await store.TryAddAsync(Romeo, rich, Received, new OfflineQuota(10, long.MaxValue)));
            Assert.True(await store.TryAddAsync(Romeo, Message("second"), Received.AddSeconds(1), new OfflineQuota(10, long.MaxValue)));

            var stored = await store.PeekAsync(Romeo, 10);
            Assert.Equal(2, stored.Count);
            Assert.Equal(rich.ToString(), stored[0].Stanza.ToString());
            Assert.Equal(Namespaces.Client, stored[0].Stanza.Namespace);
            Assert.Equal("deep", stored[0].Stanza.Child("x", "urn:example:payload")!.ChildText("y", "urn:example:payload"));
            Assert.Equal(Received, stored[0].ReceivedAt);
            Assert.Equal("second", stored[1].Stanza.ChildText("body", Namespaces.Client));
            Assert.True(stored[0].Id < stored[1].Id);
        }
    }

    [Fact]
    public async Task Quota_is_exact_and_removal_frees_room_only_up_to_the_given_id()
    {
        var (services, store) = await StoreAsync();
        await using (services)
        {
            Assert.True(await store.TryAddAsync(Romeo, Message("1"), Received, new OfflineQuota(2, long.MaxValue)));
            Assert.True(await store.TryAddAsync(Romeo, Message("2"), Received, new OfflineQuota(2, long.MaxValue)));
            Assert.False(await store.TryAddAsync(Romeo, Message("3"), Received, new OfflineQuota(2, long.MaxValue)));
            Assert.Equal(2, await store.CountAsync(Romeo));

            var first = (await store.PeekAsync(Romeo, 1))[0];
            await store.RemoveThroughAsync(Romeo, first.Id);
            Assert.Equal(["2"], (await store.PeekAsync(Romeo, 10)).Select(m => m.Stanza.ChildText("body", Namespaces.Client)));
            Assert.True(await store.TryAddAsync(Romeo, Message("4"), Received, new OfflineQuota(2, long.MaxValue)));
        }
    }

    [Fact]
    public async Task The_byte_quota_counts_utf8_bytes_of_the_stored_xml_exactly()
    {
        var (services, store) = await StoreAsync();
        await using (services)
        {
            // 'é' is one character and two UTF-8 bytes: the quota is in bytes.
            var first = Message(new string('\u00e9', 100));
            var second = Message("ascii");
            static long Size(Element m) => System.Text.Encoding.UTF8.GetByteCount(ElementWriter.ToXml(m, Namespaces.Client));
            var quota = new OfflineQuota(10, Size(first) + Size(second));

            Assert.True(await store.TryAddAsync(Romeo, first, Received, quota));
            Assert.False(await store.TryAddAsync(Romeo, Message("asciii"), Received, quota));
            Assert.True(await store.TryAddAsync(Romeo, second, Received, quota));
            Assert.False(await store.TryAddAsync(Romeo, Message(""), Received, quota));
            Assert.Equal(2, await store.CountAsync(Romeo));
        }
    }

    [Fact]
    public async Task Concurrent_senders_never_exceed_the_quota()
    {
        var (services, store) = await StoreAsync();
        await using (services)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => store.TryAddAsync(Romeo, Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Received, new OfflineQuota(5, long.MaxValue)))));
            Assert.Equal(5, results.Count(r => r));
            Assert.Equal(5, await store.CountAsync(Romeo));
        }
    }
}
