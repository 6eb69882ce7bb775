using System.Data.Common;
using Microsoft.Data.Sqlite;
using Parley.Server.Hosting;

namespace Parley.Server.Storage;

/// <summary>
/// SQLite through Microsoft.Data.Sqlite: one file, WAL journal so readers never block the writer,
/// and a busy timeout so the running server and the `parley user` command can write the same file.
/// Microsoft.Data.Sqlite begins transactions as BEGIN IMMEDIATE, so a writer takes the lock up
/// front and waits out the busy timeout instead of failing when a read would upgrade to a write;
/// that same lock is what serialises migrations and quota checks across processes.
/// </summary>
/// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
/// <param name="busyTimeoutSeconds">
/// How long a connection waits for another process's lock before failing (Storage:BusyTimeoutSeconds):
/// long enough to ride out `parley user`, short enough that a stuck lock becomes a stanza error, not a hang.
/// </param>
internal sealed class SqliteProvider(string connectionString, int busyTimeoutSeconds = SqliteProvider.DefaultBusyTimeoutSeconds) : SqlProvider
{
    public const string ProviderName = "sqlite";

    public const int DefaultBusyTimeoutSeconds = 10;

    /// <summary>One writer at a time inside this process; see <see cref="EnterWriteAsync"/>.</summary>
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public override string Name => ProviderName;

    public string ConnectionString { get; } = connectionString;

    /// <summary>The database file, or null for an in-memory database.</summary>
    public string? FilePath
    {
        get
        {
            var builder = new SqliteConnectionStringBuilder(ConnectionString);
            return builder.Mode == SqliteOpenMode.Memory || builder.DataSource.Length == 0 || builder.DataSource == ":memory:" ? null : builder.DataSource;
        }
    }

    /// <summary>The connection string for the default database file in a data folder.</summary>
    public static string ForFile(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();

    /// <summary>
    /// Microsoft.Data.Sqlite retries a busy statement until the command timeout (30 s by default)
    /// on top of SQLite's own busy_timeout, so both are set to the one configured bound.
    /// </summary>
    public override DbConnection CreateConnection() => new SqliteConnection(ConnectionString) { DefaultTimeout = busyTimeoutSeconds };

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        CreateDatabaseFile(new SqliteConnectionStringBuilder(ConnectionString));
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PrepareConnectionAsync(connection, cancellationToken).ConfigureAwait(false);
        // The journal mode is stored in the file, so setting it once serves every later connection.
        await using var command = connection.CreateCommand(null, "PRAGMA journal_mode = WAL");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task PrepareConnectionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(null, $"PRAGMA busy_timeout = {busyTimeoutSeconds * 1000}; PRAGMA foreign_keys = ON");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// SQLite admits one writer at a time, and a writer that finds the lock taken sleeps and retries
    /// on its thread (Microsoft.Data.Sqlite's async methods run synchronously), unfairly: under a
    /// burst of writes (the soak in docs/security.md), waiting writers pinned pool threads, starved
    /// the read loops and left one writer locked out for the whole busy timeout. Writers queue here
    /// instead, without holding a thread. The busy timeout still covers other processes
    /// (`parley user`). Reads never wait here: WAL readers do not block writers or each other.
    /// </summary>
    public override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new GateRelease(_writeGate);
    }

    /// <summary>BEGIN IMMEDIATE already holds the database's one write lock for the whole transaction.</summary>
    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>BEGIN IMMEDIATE already holds the database's one write lock for the whole transaction.</summary>
    public override Task LockAccountAsync(DbConnection connection, DbTransaction transaction, string account, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A deferred transaction reads one WAL snapshot from its first read on, without taking the write lock.</summary>
    public override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: true);
        // The snapshot starts at the first read; reading now pins it before the caller's first query.
        await using var start = connection.CreateCommand(transaction, "SELECT COUNT(*) FROM sqlite_master");
        await start.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return transaction;
    }

    public override async Task<IReadOnlyList<StorageTable>> ListTablesAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using (var list = connection.CreateCommand(transaction, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version'"))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new List<(StorageTable, IReadOnlyCollection<string>)>();
        foreach (var name in names)
        {
            var columns = new List<StorageColumn>();
            await using (var info = connection.CreateCommand(transaction, "SELECT name, type FROM pragma_table_info(@table) ORDER BY cid"))
            {
                info.AddParameter("@table", name);
                await using var reader = await info.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add(new StorageColumn(reader.GetString(0), KindOf(reader.GetString(1)), IsIdentity: false));
                }
            }

            var parents = new List<string>();
            await using (var keys = connection.CreateCommand(transaction, "SELECT \"table\" FROM pragma_foreign_key_list(@table)"))
            {
                keys.AddParameter("@table", name);
                await using var reader = await keys.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    parents.Add(reader.GetString(0));
                }
            }

            tables.Add((new StorageTable(name, columns), parents));
        }

        return StorageTable.InDependencyOrder(tables);
    }

    /// <summary>
    /// Writes a consistent copy of the database to <paramref name="file"/> (created owner-only; it
    /// must not exist) with SQLite's online backup API, while the server keeps reading and writing.
    /// </summary>
    public async Task BackupAsync(string file, CancellationToken cancellationToken)
    {
        if (FilePath is not { } path || !File.Exists(path))
        {
            throw new StorageUnusableException($"there is no SQLite database at {FilePath ?? "(memory)"} to back up; check DataDirectory or Storage:ConnectionString");
        }

        // FileMode.CreateNew: an existing file is never overwritten (the IOException names it).
        using (OwnerOnlyFiles.Create(file, overwrite: false))
        {
        }

        await using var source = (SqliteConnection)CreateConnection();
        await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PrepareConnectionAsync(source, cancellationToken).ConfigureAwait(false);
        await using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await destination.OpenAsync(cancellationToken).ConfigureAwait(false);
        source.BackupDatabase(destination);
    }

    public override string? DescribeUnusable(Exception exception) => exception switch
    {
        SqliteException { SqliteErrorCode: 14 } => $"cannot open the SQLite database {FilePath} ({exception.Message}); check DataDirectory or Storage:ConnectionString",
        SqliteException { SqliteErrorCode: 26 } => $"{FilePath} is not a SQLite database; check DataDirectory or Storage:ConnectionString",
        UnauthorizedAccessException or IOException => $"cannot create the SQLite database {FilePath} ({exception.Message}); check DataDirectory or Storage:ConnectionString",
        _ => null,
    };

    /// <summary>SQLite's type affinity names (https://sqlite.org/datatype3.html §3.1), as the migrations spell them.</summary>
    private static StorageColumnKind KindOf(string declared) => declared.ToUpperInvariant() switch
    {
        var t when t.Contains("INT", StringComparison.Ordinal) => StorageColumnKind.Integer,
        var t when t.Contains("BLOB", StringComparison.Ordinal) => StorageColumnKind.Bytes,
        _ => StorageColumnKind.Text,
    };

    public override ValueTask DisposeAsync()
    {
        _writeGate.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Creates the file (0600, in a 0700 folder) before SQLite does, because SQLite would use the
    /// umask and the file holds password verifiers. SQLite gives its -wal and -shm files the
    /// database file's mode.
    /// </summary>
    private static void CreateDatabaseFile(SqliteConnectionStringBuilder builder)
    {
        var dataSource = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || dataSource.Length == 0 || dataSource == ":memory:" || File.Exists(dataSource))
        {
            return;
        }

        try
        {
            using var file = OwnerOnlyFiles.Create(dataSource, overwrite: false);
        }
        catch (IOException) when (File.Exists(dataSource))
        {
            // Another process (server or CLI) created it first; SQLite fills an empty file.
        }
    }

    /// <summary>Releases the write gate once, however often it is disposed.</summary>
    private sealed class GateRelease(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
