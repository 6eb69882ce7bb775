using System.Data;
using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace Parley.Server.Storage;

/// <summary>
/// PostgreSQL through Npgsql. Connections come from one <see cref="NpgsqlDataSource"/>, whose pool
/// (on by default; Maximum Pool Size and friends in the connection string) keeps opening a
/// connection per request cheap. Writers need no gate here: PostgreSQL runs them concurrently,
/// and the few checks that must not interleave take advisory locks held until their transaction ends.
/// </summary>
internal sealed class PostgresProvider : SqlProvider
{
    public const string ProviderName = "postgresql";

    /// <summary>The advisory lock key of schema migrations ("Parley" in ASCII), one per database.</summary>
    private const long MigrationLockKey = 0x5061726C6579;

    /// <summary>The first half of the two-key advisory locks on one account's rows.</summary>
    private const int AccountLockSpace = 0x50617201;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnectionStringBuilder _settings;

    /// <param name="connectionString">An Npgsql connection string (Host, Port, Database, Username, Password...).</param>
    /// <exception cref="ArgumentException">The connection string does not parse.</exception>
    public PostgresProvider(string connectionString)
    {
        _settings = new NpgsqlConnectionStringBuilder(connectionString);
        // Defaults for many short statements, unless the connection string says otherwise: the
        // statements every login runs are prepared on each pooled connection once (parsed and
        // planned once, not per request), and a connection going back to the pool needs no
        // DISCARD ALL, because Parley never changes session state (which would also drop them).
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        if (!given.Contains("MAXAUTOPREPARE"))
        {
            _settings.MaxAutoPrepare = 64;
        }

        if (!given.Contains("NORESETONCLOSE"))
        {
            _settings.NoResetOnClose = true;
        }

        _dataSource = NpgsqlDataSource.Create(_settings);
    }

    public override string Name => ProviderName;

    /// <summary>Where the server is, for messages: host:port/database.</summary>
    public string Location => $"{_settings.Host}:{_settings.Port}/{_settings.Database ?? _settings.Username}";

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    public override Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "SELECT pg_advisory_xact_lock(@key)");
        command.AddParameter("@key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task LockAccountAsync(DbConnection connection, DbTransaction transaction, string account, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "SELECT pg_advisory_xact_lock(@space, hashtext(@account))");
        command.AddParameter("@space", AccountLockSpace);
        command.AddParameter("@account", account);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

    public override async Task<IReadOnlyList<StorageTable>> ListTablesAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, List<StorageColumn>>(StringComparer.Ordinal);
        await using (var list = connection.CreateCommand(transaction, """
            SELECT c.table_name, c.column_name, c.data_type, c.is_identity
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'schema_version'
            ORDER BY c.table_name, c.ordinal_position
            """))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var table = reader.GetString(0);
                if (!columns.TryGetValue(table, out var tableColumns))
                {
                    columns[table] = tableColumns = [];
                }

                tableColumns.Add(new StorageColumn(reader.GetString(1), KindOf(reader.GetString(2)), reader.GetString(3) == "YES"));
            }
        }

        var parents = columns.Keys.ToDictionary(name => name, _ => new List<string>(), StringComparer.Ordinal);
        await using (var keys = connection.CreateCommand(transaction, """
            SELECT child.relname, parent.relname
            FROM pg_constraint k
            JOIN pg_class child ON child.oid = k.conrelid
            JOIN pg_class parent ON parent.oid = k.confrelid
            WHERE k.contype = 'f' AND child.relnamespace = current_schema()::regnamespace
            """))
        await using (var reader = await keys.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (parents.TryGetValue(reader.GetString(0), out var tableParents))
                {
                    tableParents.Add(reader.GetString(1));
                }
            }
        }

        return StorageTable.InDependencyOrder([.. columns.Select(c => (new StorageTable(c.Key, c.Value), (IReadOnlyCollection<string>)parents[c.Key]))]);
    }

    /// <summary>Identity columns keep counting after the largest copied id, so the next insert cannot collide with a copied row.</summary>
    public override async Task AfterCopyAsync(DbConnection connection, DbTransaction transaction, StorageTable table, CancellationToken cancellationToken)
    {
        foreach (var column in table.Columns.Where(c => c.IsIdentity))
        {
            var name = StorageTable.Quote(table.Name);
            await using var command = connection.CreateCommand(transaction,
                $"SELECT setval(pg_get_serial_sequence(@table, @column), COALESCE((SELECT MAX({StorageTable.Quote(column.Name)}) FROM {name}), 0) + 1, false)");
            command.AddParameter("@table", name);
            command.AddParameter("@column", column.Name);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>PostgreSQL's SQLSTATE codes (Appendix A of its manual) for the failures an operator fixes in the settings.</summary>
    public override string? DescribeUnusable(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } e =>
            $"PostgreSQL at {Location} refused user '{_settings.Username}' ({e.MessageText}); check Username and Password in Storage:ConnectionString",
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
            $"PostgreSQL at {_settings.Host}:{_settings.Port} has no database '{_settings.Database}'; create it (createdb) or fix Database in Storage:ConnectionString",
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } e =>
            $"PostgreSQL user '{_settings.Username}' may not change the schema of {Location} ({e.MessageText}); grant it CREATE on the database or use its owner in Storage:ConnectionString",
        PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.TooManyConnections } e =>
            $"PostgreSQL at {Location} does not accept connections ({e.MessageText}); check the server, or Storage:ConnectionString",
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } e =>
            $"cannot reach PostgreSQL at {_settings.Host}:{_settings.Port} ({e.InnerException!.Message}); check that it runs and Host and Port in Storage:ConnectionString",
        _ => null,
    };

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static StorageColumnKind KindOf(string dataType) => dataType switch
    {
        "boolean" => StorageColumnKind.Boolean,
        "smallint" or "integer" or "bigint" => StorageColumnKind.Integer,
        "bytea" => StorageColumnKind.Bytes,
        _ => StorageColumnKind.Text,
    };
}
