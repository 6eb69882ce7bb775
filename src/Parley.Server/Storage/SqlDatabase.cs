using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Storage;

/// <summary>
/// The database every store shares: opens prepared connections and brings the schema up to date.
/// Stores write portable SQL (@-named parameters, INSERT ... ON CONFLICT) against the returned
/// <see cref="DbConnection"/>; engine differences stay in <see cref="SqlProvider"/> and the migrations.
/// </summary>
internal sealed class SqlDatabase(SqlProvider provider, TimeProvider time, ILogger<SqlDatabase> logger)
{
    public SqlProvider Provider => provider;

    /// <summary>An open connection with the provider's per-connection settings applied; the caller disposes it.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = provider.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await provider.PrepareConnectionAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// An open connection for work that writes. Where the engine admits one writer at a time
    /// (<see cref="SqlProvider.EnterWriteAsync"/>), the next writer gets its connection once this one is disposed.
    /// </summary>
    public async Task<DbConnection> OpenForWriteAsync(CancellationToken cancellationToken)
    {
        var gate = await provider.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        if (gate is null)
        {
            return await OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            connection.Disposed += (_, _) => gate.Dispose();
            return connection;
        }
        catch
        {
            gate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Applies, in order, every migration not yet recorded in schema_version, all in one transaction
    /// (both engines roll DDL back), which first takes the provider's migration lock: a second
    /// process starting at the same time waits, then finds nothing left to do.
    /// </summary>
    /// <exception cref="StorageUnusableException">The database cannot be reached or used, or its schema is newer than this build.</exception>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await MigrateCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (provider.DescribeUnusable(e) is { } problem)
        {
            throw new StorageUnusableException(problem, e);
        }
    }

    /// <summary>The newest migration this build has for its provider.</summary>
    public int LatestVersion => SqlMigration.Load(provider.MigrationsFolder)[^1].Version;

    /// <summary>The version recorded in schema_version (0 for an empty database).</summary>
    public static async Task<long> SchemaVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand(transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return await select.ExecuteInt64Async(cancellationToken).ConfigureAwait(false);
    }

    private async Task MigrateCoreAsync(CancellationToken cancellationToken)
    {
        await provider.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var migrations = SqlMigration.Load(provider.MigrationsFolder);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await provider.LockForMigrationAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await using (var create = connection.CreateCommand(transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var newest = await SchemaVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (newest > migrations[^1].Version)
        {
            throw new StorageUnusableException($"the database schema is at version {newest}, newer than this Parley knows ({migrations[^1].Version}); upgrade Parley, or point Storage:ConnectionString at another database");
        }

        var applied = new List<SqlMigration>();
        foreach (var migration in migrations.Where(m => m.Version > newest))
        {
            await using (var apply = connection.CreateCommand(transaction, migration.Sql))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = connection.CreateCommand(transaction, "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @applied_at)"))
            {
                record.AddParameter("@version", migration.Version);
                record.AddParameter("@name", migration.Name);
                record.AddParameter("@applied_at", time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            applied.Add(migration);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var migration in applied)
        {
            Log.MigrationApplied(logger, migration.Version, migration.Name);
        }
    }
}
