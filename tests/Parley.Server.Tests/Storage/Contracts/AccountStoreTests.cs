using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary><see cref="IAccountStore"/> on every engine.</summary>
public abstract class AccountStoreTests(StorageEngine engine) : StoreContract(engine)
{
    [Fact]
    public async Task Credentials_round_trip_for_every_hash()
    {
        var alice = Jid.Parse("alice@localhost");
        var credentials = ScramCredentials.FromPassword("secret");

        Assert.True(await Accounts.CreateAsync(alice, credentials));
        Assert.True(await Accounts.ExistsAsync(alice));
        foreach (var expected in credentials)
        {
            var found = await Accounts.FindCredentialAsync(alice, expected.Hash);
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
        var alice = Jid.Parse("alice@localhost");
        var original = ScramCredentials.FromPassword("first");
        await Accounts.CreateAsync(alice, original);

        Assert.False(await Accounts.CreateAsync(alice, ScramCredentials.FromPassword("second")));

        var kept = await Accounts.FindCredentialAsync(alice, ScramHash.Sha256);
        Assert.Equal(original.Single(c => c.Hash == ScramHash.Sha256).StoredKey, kept!.StoredKey);
    }

    [Fact]
    public async Task SetCredentials_replaces_them_and_fails_for_an_unknown_account()
    {
        var alice = await AccountAsync("alice@localhost");
        var replacement = ScramCredentials.FromPassword("second");

        Assert.True(await Accounts.SetCredentialsAsync(alice, replacement));
        Assert.False(await Accounts.SetCredentialsAsync(Jid.Parse("nobody@localhost"), replacement));

        var found = await Accounts.FindCredentialAsync(alice, ScramHash.Sha1);
        Assert.Equal(replacement.Single(c => c.Hash == ScramHash.Sha1).StoredKey, found!.StoredKey);
        Assert.False(await Accounts.ExistsAsync(Jid.Parse("nobody@localhost")));
    }

    [Fact]
    public async Task Concurrent_password_changes_leave_exactly_one_set_of_credentials()
    {
        var alice = await AccountAsync("alice@localhost");
        var sets = Enumerable.Range(0, 8).Select(i => ScramCredentials.FromPassword("p" + i)).ToList();

        Assert.All(await Task.WhenAll(sets.Select(s => Task.Run(() => Accounts.SetCredentialsAsync(alice, s)))), Assert.True);

        var sha1 = await Accounts.FindCredentialAsync(alice, ScramHash.Sha1);
        var sha256 = await Accounts.FindCredentialAsync(alice, ScramHash.Sha256);
        var winner = Assert.Single(sets, s => s.Single(c => c.Hash == ScramHash.Sha1).StoredKey.SequenceEqual(sha1!.StoredKey));
        Assert.Equal(winner.Single(c => c.Hash == ScramHash.Sha256).StoredKey, sha256!.StoredKey);
    }

    [Fact]
    public async Task Delete_removes_the_account_and_its_credentials()
    {
        var alice = await AccountAsync("alice@localhost");

        Assert.True(await Accounts.DeleteAsync(alice));
        Assert.False(await Accounts.DeleteAsync(alice));
        Assert.False(await Accounts.ExistsAsync(alice));
        Assert.Null(await Accounts.FindCredentialAsync(alice, ScramHash.Sha256));

        // A new account of the same name starts without the old credentials.
        var fresh = ScramCredentials.FromPassword("new");
        Assert.True(await Accounts.CreateAsync(alice, fresh));
        Assert.Equal(fresh.Single(c => c.Hash == ScramHash.Sha1).Salt, (await Accounts.FindCredentialAsync(alice, ScramHash.Sha1))!.Salt);
    }

    [Fact]
    public async Task List_is_ordered_by_bytes_and_filtered_by_domain()
    {
        var credentials = ScramCredentials.FromPassword("secret");
        foreach (var jid in new[] { "carol@b.example", "bob@a.example", "alice@a.example", "a-z@a.example", "\u00e5sa@a.example" })
        {
            await Accounts.CreateAsync(Jid.Parse(jid), credentials);
        }

        // Byte (ordinal) order on both engines, whatever the PostgreSQL database's locale.
        Assert.Equal(["a-z@a.example", "alice@a.example", "bob@a.example", "\u00e5sa@a.example"], (await Accounts.ListAsync("a.example")).Select(j => j.ToString()));
        Assert.Equal(5, (await Accounts.ListAsync(null)).Count);
        Assert.Empty(await Accounts.ListAsync("c.example"));
    }

    [Theory]
    [InlineData("ALICE@LocalHost", "alice@localhost")]
    [InlineData("Alice@localhost.", "alice@localhost")]
    [InlineData("\u00C5sa@localhost", "\u00E5sa@localhost")]
    public async Task Equivalent_addresses_reach_one_account(string spelling, string prepared)
    {
        // RFC 7622 §3: the key is the prepared bare JID, so every spelling that prepares alike meets one row.
        Assert.True(await Accounts.CreateAsync(Jid.Parse(spelling), ScramCredentials.FromPassword("secret")));

        Assert.True(await Accounts.ExistsAsync(Jid.Parse(prepared)));
        Assert.False(await Accounts.CreateAsync(Jid.Parse(prepared), ScramCredentials.FromPassword("other")));
        Assert.NotNull(await Accounts.FindCredentialAsync(Jid.Parse(prepared + "/phone").Bare, ScramHash.Sha256));
        Assert.Equal([prepared], (await Accounts.ListAsync(null)).Select(j => j.ToString()));
    }

    [Fact]
    public async Task Two_processes_share_one_database()
    {
        // The server and `parley user` each hold their own connections to the same database.
        await using var cli = await Database.CreateServicesAsync();
        var cliStore = cli.GetRequiredService<IAccountStore>();
        var credentials = ScramCredentials.FromPassword("secret");
        var writes = Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? Accounts : cliStore).CreateAsync(Jid.Parse($"user{i:D2}@localhost"), credentials)));
        Assert.All(await Task.WhenAll(writes), Assert.True);

        Assert.Equal(20, (await Accounts.ListAsync("localhost")).Count);
        Assert.True(await Accounts.DeleteAsync(Jid.Parse("user01@localhost")));
        Assert.False(await cliStore.ExistsAsync(Jid.Parse("user01@localhost")));
        Assert.NotNull(await cliStore.FindCredentialAsync(Jid.Parse("user02@localhost"), ScramHash.Sha1));
    }
}

public sealed class AccountStoreOnSqlite() : AccountStoreTests(StorageEngine.Sqlite);

public sealed class AccountStoreOnPostgres() : AccountStoreTests(StorageEngine.Postgres);
