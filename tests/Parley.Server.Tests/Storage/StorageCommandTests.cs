using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Blocking;
using Parley.Server.Modules.Offline;
using Parley.Server.Modules.PrivateStorage;
using Parley.Server.Modules.Roster;
using Parley.Server.Modules.VCard;
using Parley.Server.Storage;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;
using CommandLine = Parley.Cli.Cli;

namespace Parley.Server.Tests.Storage;

/// <summary>`parley storage copy` and `parley storage backup` through the command line, against real servers.</summary>
public sealed class StorageCommandTests
{
    [Fact]
    public async Task Copy_moves_a_populated_server_to_postgresql_and_back_and_users_log_in_with_their_old_passwords()
    {
        await using var sqlite = await TestDatabase.CreateAsync(StorageEngine.Sqlite);
        await using var postgres = await TestDatabase.CreateAsync(StorageEngine.Postgres);
        await using var back = await TestDatabase.CreateAsync(StorageEngine.Sqlite);

        await using (var original = await TestServer.StartAsync([.. sqlite.Settings]))
        {
            await PopulateAsync(original);
            // Online: the source server keeps running while it is copied.
            var (code, output, error) = await RunAsync("storage", "copy", "--from", sqlite.CopySpec, "--to", postgres.CopySpec);
            Assert.True(code == 0, error);
            Assert.Contains("accounts: 2", output, StringComparison.Ordinal);
            Assert.Contains("account_credentials: 4", output, StringComparison.Ordinal);
            Assert.Contains("offline_messages: 2", output, StringComparison.Ordinal);
            Assert.Contains("counts verified", output, StringComparison.Ordinal);
        }

        // And back to SQLite, before logging in delivers (and so deletes) the offline messages.
        Assert.Equal(0, (await RunAsync("storage", "copy", "--from", postgres.CopySpec, "--to", back.CopySpec)).Code);
        await AssertCarriedOverAsync(postgres);
        await AssertCarriedOverAsync(back);
    }

    [Fact]
    public async Task Copy_refuses_a_target_with_data_unless_forced_and_then_replaces_it()
    {
        await using var source = await TestDatabase.CreateAsync(StorageEngine.Sqlite);
        await using var target = await TestDatabase.CreateAsync(StorageEngine.Postgres);
        await using (var services = await source.CreateServicesAsync())
        {
            Assert.True(await services.GetRequiredService<IAccountStore>().CreateAsync(Jid.Parse("alice@localhost"), []));
        }

        await using (var services = await target.CreateServicesAsync())
        {
            Assert.True(await services.GetRequiredService<IAccountStore>().CreateAsync(Jid.Parse("mallory@localhost"), []));
        }

        var (code, output, error) = await RunAsync("storage", "copy", "--from", source.CopySpec, "--to", target.CopySpec);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("already holds data (1 in accounts)", error, StringComparison.Ordinal);
        Assert.Contains("--force", error, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("storage", "copy", "--from", source.CopySpec, "--to", target.CopySpec, "--force")).Code);
        await using var after = await target.CreateServicesAsync();
        Assert.Equal(["alice@localhost"], (await after.GetRequiredService<IAccountStore>().ListAsync(null)).Select(j => j.ToString()));
    }

    [Fact]
    public async Task Backup_writes_a_consistent_sqlite_copy_while_the_server_runs_and_refuses_to_overwrite()
    {
        await using var database = await TestDatabase.CreateAsync(StorageEngine.Sqlite);
        var file = Path.Combine(Path.GetTempPath(), "parley-backup-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using (var server = await TestServer.StartAsync([.. database.Settings]))
            {
                await PopulateAsync(server);
                var data = database.Settings.Single(s => s.Key == "DataDirectory").Value;
                var (code, output, error) = await RunAsync("storage", "backup", file, "--data", data);
                Assert.True(code == 0, error);
                Assert.StartsWith("Backed up ", output, StringComparison.Ordinal);
                Assert.Equal(1, (await RunAsync("storage", "backup", file, "--data", data)).Code);
            }

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            // Restoring is putting the file in place as parley.db (docs/operations.md).
            await using var restored = await TestDatabase.CreateAsync(StorageEngine.Sqlite);
            var restoredData = restored.Settings.Single(s => s.Key == "DataDirectory").Value;
            Directory.CreateDirectory(restoredData);
            File.Copy(file, Path.Combine(restoredData, "parley.db"));
            await AssertCarriedOverAsync(restored);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Backup_of_postgresql_points_to_pg_dump()
    {
        await using var database = await TestDatabase.CreateAsync(StorageEngine.Postgres);
        var settings = database.Settings.ToDictionary(s => s.Key, s => s.Value);
        var (code, _, error) = await RunAsync("storage", "backup", "/nonexistent/x.db", "--data", settings["DataDirectory"], "--storage-provider", "postgresql", "--storage-connection", settings["Storage:ConnectionString"]);
        Assert.Equal(1, code);
        Assert.Contains("pg_dump", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql:")]
    [InlineData("mysql:Host=x")]
    public async Task Copy_needs_provider_and_connection_on_both_sides(string spec)
    {
        var (code, _, error) = await RunAsync("storage", "copy", "--from", spec, "--to", "sqlite:/tmp/x");
        Assert.Equal(2, code);
        Assert.Contains("--from", error, StringComparison.Ordinal);
    }

    /// <summary>Two users with every kind of data: alice by SCRAM-SHA-256, bob by SCRAM-SHA-1 later.</summary>
    private static async Task PopulateAsync(TestServer server)
    {
        await server.CreateAccountAsync("alice", "alice-old-pw");
        await server.CreateAccountAsync("bob", "bob-old-pw");
        var database = server.Services.GetRequiredService<SqlDatabase>();
        var alice = Jid.Parse("alice@localhost");
        var bob = Jid.Parse("bob@localhost");
        await new SqlRosterStore(database).SaveAsync(alice, new RosterItem(bob, "Bob", ["Friends"], new SubscriptionState(Subscription.Both, PendingOut: false, Approved: true)), default);
        await new SqlRosterStore(database).SetPendingAsync(bob, Jid.Parse("carol@localhost"), "hi", default);
        await new SqlVCardStore(database).SetAsync(alice, "<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>", default);
        Assert.True(await new SqlPrivateXmlStore(database).SetAsync(alice, [new PrivateXmlItem("prefs", "urn:x", "<prefs xmlns='urn:x'/>")], 1024, default));
        await new SqlBlocklistStore(database).AddAsync(bob, [Jid.Parse("mallory@localhost")], default);
        var offline = new SqlOfflineStore(database);
        foreach (var body in new[] { "first", "second" })
        {
            var message = new Element("message", Namespaces.Client).SetAttribute("from", "bob@localhost/x").SetAttribute("to", "alice@localhost").SetAttribute("type", "chat");
            message.AddElement("body").AddText(body);
            Assert.True(await offline.TryAddAsync(alice, message, DateTimeOffset.UtcNow, new OfflineQuota(100, long.MaxValue)));
        }
    }

    /// <summary>A server on the copy: both users log in with their old passwords over SCRAM, and find their data.</summary>
    private static async Task AssertCarriedOverAsync(TestDatabase database)
    {
        await using var server = await TestServer.StartAsync([.. database.Settings]);
        await using (var bob = await RawStream.ConnectAsync(server.C2s))
        {
            await bob.SecureAsync();
            var success = await bob.AuthenticateScramAsync("SCRAM-SHA-1", "bob", "bob-old-pw");
            Assert.True(success.Is("success", Namespaces.Sasl), success.ToString());
        }

        await using var alice = await RawStream.ConnectAsync(server.C2s);
        await alice.SecureAsync();
        Assert.True((await alice.AuthenticateScramAsync("SCRAM-SHA-256", "alice", "alice-old-pw")).Is("success", Namespaces.Sasl));
        await alice.OpenAsync();
        await alice.BindAsync("desk");
        await alice.SendAsync("<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
        var roster = await alice.ExpectStanzaAsync("iq");
        var item = Assert.Single(roster.Child("query", "jabber:iq:roster")!.Children());
        Assert.Equal(("bob@localhost", "Bob", "both"), (item.GetAttribute("jid"), item.GetAttribute("name"), item.GetAttribute("subscription")));

        await alice.SendAsync("<presence/>");
        var bodies = new List<string?>();
        while (bodies.Count < 2)
        {
            var stanza = await alice.ExpectAsync();
            if (stanza.Name == "message")
            {
                bodies.Add(Messages.Chat.Body(stanza));
            }
        }

        Assert.Equal(["first", "second"], bodies);
        var stores = server.Services.GetRequiredService<SqlDatabase>();
        Assert.Equal("<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>", await new SqlVCardStore(stores).GetAsync(Jid.Parse("alice@localhost"), default));
        Assert.Equal(["mallory@localhost"], (await new SqlBlocklistStore(stores).GetAsync(Jid.Parse("bob@localhost"), default)).Select(j => j.ToString()));
        Assert.NotNull(await new SqlPrivateXmlStore(stores).GetAsync(Jid.Parse("alice@localhost"), "prefs", "urn:x", default));
        Assert.Equal([(Jid.Parse("carol@localhost"), "hi")], await new SqlRosterStore(stores).PendingAsync(Jid.Parse("bob@localhost"), default));

        // New offline rows get fresh ids after the copied ones (PostgreSQL's identity was moved past them).
        var offline = new SqlOfflineStore(stores);
        var next = new Element("message", Namespaces.Client).SetAttribute("to", "bob@localhost");
        Assert.True(await offline.TryAddAsync(Jid.Parse("bob@localhost"), next, DateTimeOffset.UtcNow, new OfflineQuota(100, long.MaxValue)));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await CommandLine.RunAsync(args, output, error, new StringReader(""));
        return (code, output.ToString(), error.ToString());
    }
}
