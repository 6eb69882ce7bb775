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
    /// Applies, in order, every migration not yet recorded in schema_version. Safe to run again and
    /// from two processes at once: each migration runs in its own write transaction that first
    /// re-checks whether another process applied it.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await provider.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var migrations = SqlMigration.Load(provider.MigrationsFolder);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var newest = await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken).ConfigureAwait(false);
        if (newest > migrations[^1].Version)
        {
            throw new InvalidOperationException($"The database schema is at version {newest}, newer than this Parley knows ({migrations[^1].Version}); upgrade Parley.");
        }

        foreach (var migration in migrations)
        {
            if (migration.Version <= newest)
            {
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var applied = await ScalarAsync(connection, transaction, "SELECT COUNT(*) FROM schema_version WHERE version = @version", cancellationToken, migration.Version).ConfigureAwait(false);
            if (applied == 0)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = migration.Sql;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

                await using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @applied_at)";
                record.AddParameter("@version", migration.Version);
                record.AddParameter("@name", migration.Name);
                record.AddParameter("@applied_at", time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                Log.MigrationApplied(logger, migration.Version, migration.Name);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<long> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, int? version = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (version is { } value)
        {
            command.AddParameter("@version", value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
