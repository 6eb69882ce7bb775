using System.Data.Common;
using Microsoft.Data.Sqlite;
using Parley.Server.Hosting;

namespace Parley.Server.Storage;

/// <summary>
/// SQLite through Microsoft.Data.Sqlite: one file, WAL journal so readers never block the writer,
/// and a busy timeout so the running server and the `parley user` command can write the same file.
/// Microsoft.Data.Sqlite begins transactions as BEGIN IMMEDIATE, so a writer takes the lock up
/// front and waits out the busy timeout instead of failing when a read would upgrade to a write.
/// </summary>
/// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
/// <param name="busyTimeoutSeconds">
/// How long a connection waits for another process's lock before failing (Storage:BusyTimeoutSeconds):
/// long enough to ride out `parley user`, short enough that a stuck lock becomes a stanza error, not a hang.
/// </param>
internal sealed class SqliteProvider(string connectionString, int busyTimeoutSeconds = SqliteProvider.DefaultBusyTimeoutSeconds) : SqlProvider
{
    public const int DefaultBusyTimeoutSeconds = 10;

    public override string MigrationsFolder => "sqlite";

    public string ConnectionString { get; } = connectionString;

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
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task PrepareConnectionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {busyTimeoutSeconds * 1000}; PRAGMA foreign_keys = ON";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
}
