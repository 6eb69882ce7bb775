using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Offline;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Storage;

/// <summary>
/// <see cref="SqlDatabase.OpenForWriteAsync"/>: writers inside the process queue for one another
/// without holding a thread, and each connection's disposal (sync or async) lets the next one in.
/// </summary>
public sealed class SqlWriteGateTests
{
    [Fact]
    public async Task A_second_writer_waits_until_the_first_connection_is_disposed()
    {
        using var data = new TempDataDirectory();
        await using var services = await data.CreateServicesAsync();
        var database = services.GetRequiredService<SqlDatabase>();

        var first = await database.OpenForWriteAsync(CancellationToken.None);
        var second = database.OpenForWriteAsync(CancellationToken.None);
        // Readers are not gated: WAL lets them run beside the writer.
        await using (await database.OpenAsync(CancellationToken.None))
        {
            Assert.False(second.IsCompleted);
        }

        await first.DisposeAsync();
        var secondConnection = await second.WaitAsync(TimeSpan.FromSeconds(10));
        secondConnection.Dispose();
        secondConnection.Dispose();

        // Disposed twice, released once: exactly one writer gets in next.
        var third = await database.OpenForWriteAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var fourth = database.OpenForWriteAsync(CancellationToken.None);
        Assert.False(fourth.IsCompleted);
        await third.DisposeAsync();
        await (await fourth.WaitAsync(TimeSpan.FromSeconds(10))).DisposeAsync();
    }

    [Fact]
    public async Task A_burst_of_concurrent_writes_all_succeed_within_a_short_busy_timeout()
    {
        using var data = new TempDataDirectory();
        await using var services = await data.CreateServicesAsync(("Storage:BusyTimeoutSeconds", "1"));
        var store = new SqlOfflineStore(services.GetRequiredService<SqlDatabase>());
        var account = Jid.Parse("romeo@localhost");
        await services.GetRequiredService<Parley.Server.Accounts.AccountService>().CreateAsync(account, "secret");

        var writes = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            var message = new Element("message", Namespaces.Client).SetAttribute("id", "m" + i);
            message.AddElement("body").AddText("burst");
            return await store.TryAddAsync(account, message, DateTimeOffset.UtcNow, new Parley.Server.Modules.Offline.OfflineQuota(1000, long.MaxValue));
        }));

        Assert.All(await Task.WhenAll(writes), Assert.True);
        Assert.Equal(400, await store.CountAsync(account));
    }
}
