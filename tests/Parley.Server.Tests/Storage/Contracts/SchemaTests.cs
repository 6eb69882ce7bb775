using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary>Migrations on every engine: transactional, once only, even with two processes starting together.</summary>
public abstract class SchemaTests(StorageEngine engine) : StoreContract(engine)
{
    [Fact]
    public async Task Migrations_are_idempotent_and_keep_data()
    {
        await AccountAsync("alice@localhost");
        await Sql.MigrateAsync(None);

        await using var second = await Database.CreateServicesAsync();
        Assert.True(await second.GetRequiredService<IAccountStore>().ExistsAsync(Jid.Parse("alice@localhost")));
        Assert.Equal(SqlMigration.Load(Sql.Provider.MigrationsFolder).Select(m => (long)m.Version), await VersionsAsync(second));
    }

    [Fact]
    public async Task Processes_starting_together_apply_each_migration_once()
    {
        await using var fresh = await TestDatabase.CreateAsync(Engine);
        var processes = Enumerable.Range(0, 4).Select(_ => fresh.CreateServices()).ToList();
        try
        {
            await Task.WhenAll(processes.Select(p => Task.Run(() => p.GetRequiredService<SqlDatabase>().MigrateAsync(None))));
            var versions = await VersionsAsync(processes[0]);
            Assert.Equal(SqlMigration.Load(Sql.Provider.MigrationsFolder).Select(m => (long)m.Version), versions);
            Assert.True(await processes[1].GetRequiredService<IAccountStore>().CreateAsync(Jid.Parse("alice@localhost"), ScramCredentials.FromPassword("secret")));
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_database_newer_than_this_build_is_refused_naming_both_versions()
    {
        await ExecuteAsync(Services, "INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'future', '')");

        await using var second = Database.CreateServices();
        var refused = await Assert.ThrowsAsync<StorageUnusableException>(() => second.GetRequiredService<SqlDatabase>().MigrateAsync(None));
        Assert.Contains("9999", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Sql.LatestVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade Parley", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_trace()
    {
        // Both engines roll DDL back: a half-applied step would leave a schema no version describes.
        await using var fresh = await TestDatabase.CreateAsync(Engine);
        await using var services = fresh.CreateServices();
        var database = services.GetRequiredService<SqlDatabase>();
        await database.Provider.InitializeAsync(None);
        // A table the first migration creates after accounts already exists, so that migration fails midway.
        await ExecuteAsync(services, "CREATE TABLE account_credentials (x INTEGER)");

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => database.MigrateAsync(None));

        await using var connection = await database.OpenAsync(None);
        Assert.Equal(["account_credentials"], (await database.Provider.ListTablesAsync(connection, null, None)).Select(t => t.Name));
    }

    private static async Task<List<long>> VersionsAsync(ServiceProvider services)
    {
        await using var connection = await services.GetRequiredService<SqlDatabase>().OpenAsync(None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version ORDER BY version";
        var values = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return values;
    }

    private static async Task ExecuteAsync(ServiceProvider services, string sql)
    {
        await using var connection = await services.GetRequiredService<SqlDatabase>().OpenAsync(None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class SchemaOnSqlite() : SchemaTests(StorageEngine.Sqlite);

public sealed class SchemaOnPostgres() : SchemaTests(StorageEngine.Postgres);
