using System.Data.Common;

namespace Parley.Server.Storage;

/// <summary>
/// The only place that knows which database engine is behind <see cref="SqlDatabase"/>: how to
/// open a connection, what to do once per connection and once per process, how writers and
/// migrations are kept apart, and which folder of embedded migrations applies. Every store writes
/// portable SQL against <see cref="DbConnection"/> with @-named parameters (both Microsoft.Data.Sqlite
/// and Npgsql accept them), INSERT ... ON CONFLICT, and booleans read with GetBoolean.
/// </summary>
internal abstract class SqlProvider : IAsyncDisposable
{
    /// <summary>The Storage:Provider value that selects this provider, e.g. "sqlite".</summary>
    public abstract string Name { get; }

    /// <summary>The folder under Storage/Migrations holding this provider's scripts, e.g. "sqlite".</summary>
    public string MigrationsFolder => Name;

    /// <summary>A new, closed connection.</summary>
    public abstract DbConnection CreateConnection();

    /// <summary>Runs once before the first connection is used (create files, set persistent modes).</summary>
    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Runs on every freshly opened connection (per-connection settings).</summary>
    public virtual Task PrepareConnectionAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Waits until this process may open a connection for writing; disposing the result lets the
    /// next writer in. Null when the engine queues writers itself.
    /// </summary>
    public virtual ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>
    /// Called first inside the migration transaction: holds off every other process's migration
    /// until this transaction ends, so two servers starting at once never apply a step twice.
    /// </summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Inside a write transaction: holds off other writers of the same account's rows until the
    /// transaction ends, so a check (a quota) and the write it guards cannot interleave with
    /// another sender's.
    /// </summary>
    public abstract Task LockAccountAsync(DbConnection connection, DbTransaction transaction, string account, CancellationToken cancellationToken);

    /// <summary>A transaction whose reads all see one consistent state of the database (for copies and backups).</summary>
    public abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The names of the application's tables (not schema_version), parents before the tables whose foreign keys point at them.</summary>
    public abstract Task<IReadOnlyList<StorageTable>> ListTablesAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken);

    /// <summary>After rows were inserted with their ids given: moves identity counters past the largest id.</summary>
    public virtual Task AfterCopyAsync(DbConnection connection, DbTransaction transaction, StorageTable table, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// One line naming what is wrong when <paramref name="exception"/> means the database cannot be
    /// used at all (unreachable, refused credentials, missing database), with the setting to fix;
    /// null for other failures.
    /// </summary>
    public abstract string? DescribeUnusable(Exception exception);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
