using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Tests.Storage;

/// <summary>
/// The base of every store's contract tests: each test gets a fresh database of the engine the
/// derived class names, migrated, and its core services. A store's contract is an abstract class (named ...Tests, so docs/conformance.md can cite it)
/// of [Fact]s deriving from this one, run once per engine by two one-line classes:
/// <code>
/// public sealed class WidgetStoreOnSqlite() : WidgetStoreTests(StorageEngine.Sqlite);
/// public sealed class WidgetStoreOnPostgres() : WidgetStoreTests(StorageEngine.Postgres);
/// </code>
/// </summary>
public abstract class StoreContract(StorageEngine engine) : IAsyncLifetime
{
    private TestDatabase? _database;
    private ServiceProvider? _services;

    protected StorageEngine Engine => engine;

    protected TestDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    internal ServiceProvider Services => _services ?? throw new InvalidOperationException("Not initialized.");

    internal SqlDatabase Sql => Services.GetRequiredService<SqlDatabase>();

    internal IAccountStore Accounts => Services.GetRequiredService<IAccountStore>();

    protected static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(engine);
        _services = await _database.CreateServicesAsync();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Creates the account (the stores' rows reference it) and returns its JID.</summary>
    protected async Task<Jid> AccountAsync(string jid)
    {
        var account = Jid.Parse(jid);
        Assert.True(await Accounts.CreateAsync(account, ScramCredentials.FromPassword("secret")));
        return account;
    }
}
