using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;
using static Parley.Server.Tests.Messages.Chat;

namespace Parley.Server.Tests.Storage;

/// <summary>
/// Issue #5 "Faults": storage that stops answering. The fault is real, not simulated: another
/// connection holds SQLite's write lock (BEGIN EXCLUSIVE) longer than Storage:BusyTimeoutSeconds, or
/// the file system the database lives on is full. Clients get a stanza error (RFC 6120 §8.3.3.5
/// internal-server-error), the log says why, other clients stay served, and writes work again
/// once the storage is back.
/// </summary>
public sealed class StorageFaultTests
{
    private const string RosterSet = "<iq type='set' id='{0}'><query xmlns='jabber:iq:roster'><item jid='nurse@localhost'/></query></iq>";

    [Fact]
    [Trait("Conformance", "RFC 6120 §8.3.3.5")]
    public async Task A_locked_database_gets_internal_server_error_and_writes_recover_when_the_lock_is_released()
    {
        using var data = new TempDataDirectory();
        await using var server = await StartAsync(data.Path);
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");

        await using (var holder = new SqliteConnection($"Data Source={data.DatabasePath};Pooling=False"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }

            await AssertWritesFailAsync(server, juliet, "locked");
            // Readers are not blocked in WAL mode: a login (credential lookup) still works while writes fail.
            await using var nurse = await OnlineAsync(server, "nurse", "kitchen");
            await nurse.ExpectNothingPendingAsync();
        }

        await AssertWritesRecoverAsync(server, juliet);
    }

    [TmpfsFact]
    [Trait("Conformance", "RFC 6120 §8.3.3.5")]
    public async Task A_full_disk_gets_internal_server_error_and_writes_recover_when_space_returns()
    {
        using var mount = SmallTmpfs.TryMount(megabytes: 4);
        Assert.NotNull(mount);

        await using var server = await StartAsync(Path.Combine(mount.Path, "data"));
        await using var juliet = await OnlineAsync(server, "juliet", "balcony");

        var filler = Path.Combine(mount.Path, "filler");
        mount.Fill(filler);
        await AssertWritesFailAsync(server, juliet, "full");

        File.Delete(filler);
        await AssertWritesRecoverAsync(server, juliet);
    }

    private static async Task<TestServer> StartAsync(string dataDirectory)
    {
        var server = await TestServer.StartAsync(("DataDirectory", dataDirectory), ("Storage:BusyTimeoutSeconds", "1"));
        server.ErrorsExpected = true;
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await server.CreateAccountAsync("nurse", "secret");
        return server;
    }

    /// <summary>A roster write and an offline message both fail with internal-server-error, within the bound, and are logged.</summary>
    private static async Task AssertWritesFailAsync(TestServer server, RawStream juliet, string tag)
    {
        var clock = Stopwatch.StartNew();
        var roster = await juliet.AskAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, RosterSet, "r-" + tag));
        Assert.Equal("error", roster.GetAttribute("type"));
        Assert.Equal("internal-server-error", Exchange.Condition(roster));

        // Romeo is offline: XEP-0160 storage fails, so the message is bounced rather than silently lost.
        await juliet.SendAsync($"<message to='romeo@localhost' type='chat' id='m-{tag}'><body>{tag}</body></message>");
        var bounce = await juliet.ExpectStanzaAsync("message");
        Assert.Equal("error", bounce.GetAttribute("type"));
        Assert.Equal("m-" + tag, bounce.GetAttribute("id"));
        Assert.Equal("internal-server-error", Exchange.Condition(bounce));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception is SqliteException);
        await juliet.ExpectNothingPendingAsync();
    }

    /// <summary>The same writes succeed afterwards; the stored message is the later one only.</summary>
    private static async Task AssertWritesRecoverAsync(TestServer server, RawStream juliet)
    {
        var roster = await juliet.AskAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, RosterSet, "r-after"));
        Assert.Equal("result", roster.GetAttribute("type"));
        await juliet.SendAsync("<message to='romeo@localhost' type='chat' id='m-after'><body>after</body></message>");
        Assert.Empty(await MessagesUntilPongAsync(juliet));

        await using var romeo = await OnlineAsync(server, "romeo", "garden");
        var messages = await MessagesUntilPongAsync(romeo);
        Assert.Equal(["m-after"], messages.Select(m => m.GetAttribute("id")));
    }
}
