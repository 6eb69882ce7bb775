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
    /// <summary>One writer at a time inside this process; see <see cref="OpenForWriteAsync"/>.</summary>
    private readonly SemaphoreSlim _writeGate = new(1, 1);

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
    /// An open connection for work that writes; the next writer gets its connection once this one
    /// is disposed. SQLite admits one writer at a time, and a writer that finds the lock taken sleeps
    /// and retries on its thread (Microsoft.Data.Sqlite's async methods run synchronously), unfairly:
    /// under a burst of writes (the soak in docs/security.md), waiting writers pinned pool threads,
    /// starved the read loops and left one writer locked out for the whole busy timeout. Writers
    /// queue here instead, without holding a thread. The busy timeout still covers other processes
    /// (`parley user`). Reads never wait here: WAL readers do not block writers or each other.
    /// </summary>
    public async Task<DbConnection> OpenForWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            var released = 0;
            connection.Disposed += (_, _) =>
            {
                if (Interlocked.Exchange(ref released, 1) == 0)
                {
                    _writeGate.Release();
                }
            };
            return connection;
        }
        catch
        {
            _writeGate.Release();
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
        await using (var create = connection.CreateCommand(null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long newest;
        await using (var select = connection.CreateCommand(null, "SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        {
            newest = await select.ExecuteInt64Async(cancellationToken).ConfigureAwait(false);
        }

        if (newest > migrations[^1].Version)
        {
            throw new InvalidOperationException($"The database schema is at version {newest}, newer than this Parley knows ({migrations[^1].Version}); upgrade Parley.");
        }

        foreach (var migration in migrations.Where(m => m.Version > newest))
        {
            await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One migration in its own write transaction, skipped when another process applied it first.</summary>
    private async Task ApplyAsync(DbConnection connection, SqlMigration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var check = connection.CreateCommand(transaction, "SELECT COUNT(*) FROM schema_version WHERE version = @version"))
        {
            check.AddParameter("@version", migration.Version);
            if (await check.ExecuteInt64Async(cancellationToken).ConfigureAwait(false) != 0)
            {
                return;
            }
        }

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

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.MigrationApplied(logger, migration.Version, migration.Name);
    }
}
