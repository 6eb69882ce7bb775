using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;

namespace Parley.Server.Tests.Storage;

/// <summary>
/// A fresh, empty database of one engine for one test, with the settings that point Parley at it:
/// SQLite in a temporary data folder, or a new database in the shared throwaway PostgreSQL
/// (<see cref="PostgresServer"/>), dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly PostgresServer? _postgres;
    private readonly string? _name;

    private TestDatabase(StorageEngine engine, PostgresServer? postgres, string? name)
    {
        Engine = engine;
        _postgres = postgres;
        _name = name;
    }

    public StorageEngine Engine { get; }

    /// <summary>DataDirectory, and for PostgreSQL Storage:Provider and Storage:ConnectionString.</summary>
    public IReadOnlyList<(string Key, string Value)> Settings => _postgres is null
        ? [("DataDirectory", _data.Path)]
        : [("DataDirectory", _data.Path), ("Storage:Provider", "postgresql"), ("Storage:ConnectionString", _postgres.ConnectionString(_name!))];

    /// <summary>The `parley storage copy` spelling of this database: PROVIDER:CONNECTION.</summary>
    public string CopySpec => _postgres is null ? "sqlite:" + _data.Path : "postgresql:" + _postgres.ConnectionString(_name!);

    public static async Task<TestDatabase> CreateAsync(StorageEngine engine)
    {
        if (engine == StorageEngine.Sqlite)
        {
            return new TestDatabase(engine, null, null);
        }

        var server = await PostgresServer.Shared;
        return new TestDatabase(engine, server, await server.CreateDatabaseAsync());
    }

    /// <summary>A service provider with the core services over this database, the schema migrated.</summary>
    internal async Task<ServiceProvider> CreateServicesAsync(params (string Key, string Value)[] settings)
    {
        var provider = CreateServices(settings);
        await provider.GetRequiredService<SqlDatabase>().MigrateAsync(CancellationToken.None);
        return provider;
    }

    /// <summary>The same, not yet migrated (as two processes starting at once find it).</summary>
    internal ServiceProvider CreateServices(params (string Key, string Value)[] settings) => _data.CreateServices([.. Settings, .. settings]);

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DropDatabaseAsync(_name!);
        }

        _data.Dispose();
    }
}
