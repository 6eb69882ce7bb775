using System.Data.Common;
using System.Globalization;

namespace Parley.Server.Storage;

/// <summary>
/// `parley storage copy`: every row of every application table from one database to another,
/// across engines. Both schemas are first brought to this build's version, so the tables and
/// columns match; the tables themselves are read from the engine, so one a later migration adds
/// is copied without a change here. Rows are carried verbatim (SCRAM salts and keys included,
/// nothing is re-hashed), the source is read from one snapshot while it stays in use, and the
/// target is written in one transaction that commits only when every table's count matches.
/// </summary>
internal static class StorageCopy
{
    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/>; returns each table with its row count.</summary>
    /// <param name="replace">Empty a target that already holds rows first; without it such a target is refused.</param>
    /// <exception cref="StorageCopyException">The target holds data, the schemas differ, or the counts do not match.</exception>
    public static async Task<IReadOnlyList<(string Table, long Rows)>> CopyAsync(SqlDatabase source, SqlDatabase target, bool replace, CancellationToken cancellationToken)
    {
        await source.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await target.MigrateAsync(cancellationToken).ConfigureAwait(false);

        await using var from = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var snapshot = await source.Provider.BeginSnapshotAsync(from, cancellationToken).ConfigureAwait(false);
        await using var to = await target.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await to.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var sourceTables = await source.Provider.ListTablesAsync(from, snapshot, cancellationToken).ConfigureAwait(false);
        var tables = await target.Provider.ListTablesAsync(to, transaction, cancellationToken).ConfigureAwait(false);
        CheckSameSchema(sourceTables, tables);

        var occupied = new List<string>();
        foreach (var table in tables)
        {
            if (await CountAsync(to, transaction, table, cancellationToken).ConfigureAwait(false) is var rows and > 0)
            {
                occupied.Add($"{rows} in {table.Name}");
            }
        }

        if (occupied.Count > 0)
        {
            if (!replace)
            {
                throw new StorageCopyException($"the target already holds data ({string.Join(", ", occupied)}); copy into an empty database, or add --force to replace it");
            }

            // Children first, so no foreign key points at a deleted row.
            foreach (var table in tables.Reverse())
            {
                await using var clear = to.CreateCommand(transaction, $"DELETE FROM {StorageTable.Quote(table.Name)}");
                await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var copied = new List<(string, long)>(tables.Count);
        foreach (var table in tables)
        {
            var rows = await CopyTableAsync(from, snapshot, to, transaction, table, cancellationToken).ConfigureAwait(false);
            await target.Provider.AfterCopyAsync(to, transaction, table, cancellationToken).ConfigureAwait(false);
            var expected = await CountAsync(from, snapshot, table, cancellationToken).ConfigureAwait(false);
            var landed = await CountAsync(to, transaction, table, cancellationToken).ConfigureAwait(false);
            if (rows != expected || landed != expected)
            {
                throw new StorageCopyException($"table {table.Name}: the source has {expected} rows but {landed} arrived; nothing was committed");
            }

            copied.Add((table.Name, landed));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return copied;
    }

    private static void CheckSameSchema(IReadOnlyList<StorageTable> source, IReadOnlyList<StorageTable> target)
    {
        static string Shape(IEnumerable<StorageTable> tables) =>
            string.Join("; ", tables.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => t.Name + "(" + string.Join(",", t.Columns.Select(c => c.Name).Order(StringComparer.Ordinal)) + ")"));

        if (Shape(source) != Shape(target))
        {
            throw new StorageCopyException($"the two databases have different tables: source {Shape(source)}; target {Shape(target)}");
        }
    }

    private static async Task<long> CopyTableAsync(DbConnection from, DbTransaction snapshot, DbConnection to, DbTransaction transaction, StorageTable table, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", table.Columns.Select(c => StorageTable.Quote(c.Name)));
        await using var select = from.CreateCommand(snapshot, $"SELECT {columns} FROM {StorageTable.Quote(table.Name)}");
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = to.CreateCommand(transaction, $"INSERT INTO {StorageTable.Quote(table.Name)} ({columns}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))})");
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            insert.Parameters.Clear();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                insert.AddParameter("@p" + i.ToString(CultureInfo.InvariantCulture), Convert(reader.GetValue(i), table.Columns[i].Kind));
            }

            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            rows++;
        }

        return rows;
    }

    /// <summary>A value read from one engine as the other engine's column wants it: SQLite keeps booleans as 0/1.</summary>
    private static object? Convert(object value, StorageColumnKind kind) => value switch
    {
        DBNull => null,
        bool flag when kind == StorageColumnKind.Integer => flag ? 1L : 0L,
        not bool when kind == StorageColumnKind.Boolean => System.Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
        _ when kind == StorageColumnKind.Integer => System.Convert.ToInt64(value, CultureInfo.InvariantCulture),
        _ => value,
    };

    private static async Task<long> CountAsync(DbConnection connection, DbTransaction transaction, StorageTable table, CancellationToken cancellationToken)
    {
        await using var count = connection.CreateCommand(transaction, $"SELECT COUNT(*) FROM {StorageTable.Quote(table.Name)}");
        return await count.ExecuteInt64Async(cancellationToken).ConfigureAwait(false);
    }
}
