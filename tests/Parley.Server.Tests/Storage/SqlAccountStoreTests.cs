using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Tests.Storage;

public sealed class SqlAccountStoreTests : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Credentials_round_trip_for_every_hash()
    {
        await using var services = await _data.CreateServicesAsync();
        var store = services.GetRequiredService<IAccountStore>();
        var alice = Jid.Parse("alice@localhost");
        var credentials = ScramCredentials.FromPassword("secret");

        Assert.True(await store.CreateAsync(alice, credentials));
        Assert.True(await store.ExistsAsync(alice));
        foreach (var expected in credentials)
        {
            var found = await store.FindCredentialAsync(alice, expected.Hash);
            Assert.NotNull(found);
            Assert.Equal(expected.Hash, found.Hash);
            Assert.Equal(expected.Salt, found.Salt);
            Assert.Equal(expected.Iterations, found.Iterations);
            Assert.Equal(expected.StoredKey, found.StoredKey);
            Assert.Equal(expected.ServerKey, found.ServerKey);
        }
    }

    [Fact]
    public async Task Create_refuses_an_existing_account_and_keeps_its_credentials()
    {
        await using var services = await _data.CreateServicesAsync();
        var store = services.GetRequiredService<IAccountStore>();
        var alice = Jid.Parse("alice@localhost");
        var original = ScramCredentials.FromPassword("first");
        await store.CreateAsync(alice, original);

        Assert.False(await store.CreateAsync(alice, ScramCredentials.FromPassword("second")));

        var kept = await store.FindCredentialAsync(alice, ScramHash.Sha256);
        Assert.Equal(original.Single(c => c.Hash == ScramHash.Sha256).StoredKey, kept!.StoredKey);
    }

    [Fact]
    public async Task SetCredentials_replaces_them_and_fails_for_an_unknown_account()
    {
        await using var services = await _data.CreateServicesAsync();
        var store = services.GetRequiredService<IAccountStore>();
        var alice = Jid.Parse("alice@localhost");
        await store.CreateAsync(alice, ScramCredentials.FromPassword("first"));
        var replacement = ScramCredentials.FromPassword("second");

        Assert.True(await store.SetCredentialsAsync(alice, replacement));
        Assert.False(await store.SetCredentialsAsync(Jid.Parse("nobody@localhost"), replacement));

        var found = await store.FindCredentialAsync(alice, ScramHash.Sha1);
        Assert.Equal(replacement.Single(c => c.Hash == ScramHash.Sha1).StoredKey, found!.StoredKey);
        Assert.False(await store.ExistsAsync(Jid.Parse("nobody@localhost")));
    }

    [Fact]
    public async Task Delete_removes_the_account_and_its_credentials()
    {
        await using var services = await _data.CreateServicesAsync();
        var store = services.GetRequiredService<IAccountStore>();
        var alice = Jid.Parse("alice@localhost");
        await store.CreateAsync(alice, ScramCredentials.FromPassword("secret"));

        Assert.True(await store.DeleteAsync(alice));
        Assert.False(await store.DeleteAsync(alice));
        Assert.False(await store.ExistsAsync(alice));
        Assert.Null(await store.FindCredentialAsync(alice, ScramHash.Sha256));

        // A new account of the same name starts without the old credentials.
        var fresh = ScramCredentials.FromPassword("new");
        Assert.True(await store.CreateAsync(alice, fresh));
        Assert.Equal(fresh.Single(c => c.Hash == ScramHash.Sha1).Salt, (await store.FindCredentialAsync(alice, ScramHash.Sha1))!.Salt);
    }

    [Fact]
    public async Task List_is_ordered_and_filtered_by_domain()
    {
        await using var services = await _data.CreateServicesAsync();
        var store = services.GetRequiredService<IAccountStore>();
        var credentials = ScramCredentials.FromPassword("secret");
        foreach (var jid in new[] { "carol@b.example", "bob@a.example", "alice@a.example" })
        {
            await store.CreateAsync(Jid.Parse(jid), credentials);
        }

        Assert.Equal(["alice@a.example", "bob@a.example"], (await store.ListAsync("a.example")).Select(j => j.ToString()));
        Assert.Equal(["alice@a.example", "bob@a.example", "carol@b.example"], (await store.ListAsync(null)).Select(j => j.ToString()));
        Assert.Empty(await store.ListAsync("c.example"));
    }

    [Theory]
    [InlineData("ALICE@LocalHost", "alice@localhost")]
    [InlineData("Alice@localhost.", "alice@localhost")]
    [InlineData("\u00C5sa@localhost", "\u00E5sa@localhost")]
    public async Task Equivalent_addresses_reach_one_account(string spelling, string prepared)
    {
        // RFC 7622 §3: the key is the prepared bare JID, so every spelling that prepares alike meets one row.
        await using var services = await _data.CreateServicesAsync();
        var store = services.GetRequiredService<IAccountStore>();
        Assert.True(await store.CreateAsync(Jid.Parse(spelling), ScramCredentials.FromPassword("secret")));

        Assert.True(await store.ExistsAsync(Jid.Parse(prepared)));
        Assert.False(await store.CreateAsync(Jid.Parse(prepared), ScramCredentials.FromPassword("other")));
        Assert.NotNull(await store.FindCredentialAsync(Jid.Parse(prepared + "/phone").Bare, ScramHash.Sha256));
        Assert.Equal([prepared], (await store.ListAsync(null)).Select(j => j.ToString()));
    }

    [Fact]
    public async Task Two_processes_share_one_database_file()
    {
        // The server and `parley user` each hold their own connections to the same file.
        await using var server = _data.CreateServices();
        await using var cli = _data.CreateServices();
        await Task.WhenAll(
            Task.Run(() => server.GetRequiredService<SqlDatabase>().MigrateAsync(CancellationToken.None)),
            Task.Run(() => cli.GetRequiredService<SqlDatabase>().MigrateAsync(CancellationToken.None)));

        var serverStore = server.GetRequiredService<IAccountStore>();
        var cliStore = cli.GetRequiredService<IAccountStore>();
        var credentials = ScramCredentials.FromPassword("secret");
        var writes = Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? serverStore : cliStore).CreateAsync(Jid.Parse($"user{i:D2}@localhost"), credentials)));
        Assert.All(await Task.WhenAll(writes), Assert.True);

        Assert.Equal(20, (await serverStore.ListAsync("localhost")).Count);
        Assert.True(await serverStore.DeleteAsync(Jid.Parse("user01@localhost")));
        Assert.False(await cliStore.ExistsAsync(Jid.Parse("user01@localhost")));
        Assert.NotNull(await cliStore.FindCredentialAsync(Jid.Parse("user02@localhost"), ScramHash.Sha1));
    }

    [Fact]
    public async Task Migrations_are_idempotent_and_keep_data()
    {
        await using (var first = await _data.CreateServicesAsync())
        {
            await first.GetRequiredService<IAccountStore>().CreateAsync(Jid.Parse("alice@localhost"), ScramCredentials.FromPassword("secret"));
            await first.GetRequiredService<SqlDatabase>().MigrateAsync(CancellationToken.None);
        }

        await using var second = await _data.CreateServicesAsync();
        Assert.True(await second.GetRequiredService<IAccountStore>().ExistsAsync(Jid.Parse("alice@localhost")));
        var migrations = SqlMigration.Load("sqlite");
        Assert.Equal(migrations.Select(m => (object)(long)m.Version), await QueryAsync(second, "SELECT version FROM schema_version ORDER BY version"));
        Assert.Equal(["wal"], await QueryAsync(second, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task A_database_newer_than_this_build_is_refused()
    {
        await using (var first = await _data.CreateServicesAsync())
        {
            await using var connection = await first.GetRequiredService<SqlDatabase>().OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'future', '')";
            await command.ExecuteNonQueryAsync();
        }

        await using var second = _data.CreateServices();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.GetRequiredService<SqlDatabase>().MigrateAsync(CancellationToken.None));
        Assert.Contains("9999", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_folder_and_database_are_private_to_the_owner()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only
        }

        await using var services = await _data.CreateServicesAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_data.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_data.DatabasePath));
    }

    private static async Task<List<object>> QueryAsync(ServiceProvider services, string sql)
    {
        await using var connection = await services.GetRequiredService<SqlDatabase>().OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<object>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetValue(0));
        }

        return values;
    }
}
