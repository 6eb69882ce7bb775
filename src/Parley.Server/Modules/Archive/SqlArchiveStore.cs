using System.Data.Common;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// <see cref="IArchiveStore"/> over <see cref="SqlDatabase"/>: tables archive_messages and
/// archive_preferences (migration 0005) for accounts, room_archive_messages (migration 0008) for
/// rooms, one script per engine and the same portable SQL here: the two archive tables have the
/// same columns, so every statement names its table from the owner (<see cref="Table"/>). Every
/// query is bounded by the owner and walks the (jid, id) index or the one of 'with'.
/// </summary>
internal sealed class SqlArchiveStore(SqlDatabase database) : IArchiveStore
{
    private const string Columns = "id, with_bare, with_resource, received_at, stanza";

    private const string AccountTable = "archive_messages";

    private const string RoomTable = "room_archive_messages";

    /// <summary>Accounts per look-up of <see cref="LiveAccountsAsync"/>: well below every engine's parameter limit.</summary>
    private const int AccountsPerLookup = 500;

    public async Task AppendAsync(IReadOnlyList<ArchivedMessage> messages, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (rooms, rows) in Split(messages))
        {
            if (rows.Count == 0)
            {
                continue;
            }

            if (connection is NpgsqlConnection npgsql)
            {
                await CopyAsync(npgsql, rows, rooms, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await InsertAsync(connection, transaction, rows, rooms, cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<long>> ExistingAsync(ArchiveOwner owner, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var found = new HashSet<long>();
        if (ids.Count == 0)
        {
            return found;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = connection.CreateCommand(null, "");
        select.CommandText = $"SELECT id FROM {Table(owner)} WHERE jid = @jid AND id IN (" + IdList(select, ids) + ")";
        select.AddParameter("@jid", Key(owner));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(reader.GetInt64(0));
        }

        return found;
    }

    public async Task<ArchivePage> QueryAsync(ArchiveOwner owner, ArchiveQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // No read transaction: SQLite's would take the write lock (Microsoft.Data.Sqlite begins
        // IMMEDIATE). A message archived between the count and the page can make the count one short
        // of the page's view; the next query sees it.
        var count = (int)await CountAsync(connection, owner, query, below: null, cancellationToken).ConfigureAwait(false);
        var items = new List<ArchivedMessage>();
        var complete = true;
        if (count != 0)
        {
            await using var select = connection.CreateCommand(null, "");
            var where = Filters(select, owner, query);
            if (query.Backward)
            {
                if (query.Before is { } before)
                {
                    where.Append(" AND id < @page_bound");
                    select.AddParameter("@page_bound", before);
                }

                select.CommandText = $"SELECT {Columns} FROM {Table(owner)} WHERE {where} ORDER BY id DESC LIMIT @take";
            }
            else
            {
                if (query.After is { } after)
                {
                    where.Append(" AND id > @page_bound");
                    select.AddParameter("@page_bound", after);
                }

                select.CommandText = $"SELECT {Columns} FROM {Table(owner)} WHERE {where} ORDER BY id LIMIT @take OFFSET @skip";
                select.AddParameter("@skip", query.Index ?? 0);
            }

            // One more than the page: whether it exists says whether the page is the last one (complete).
            select.AddParameter("@take", query.Max + 1);
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    items.Add(Read(reader, owner));
                }
            }

            complete = items.Count <= query.Max;
            if (!complete)
            {
                items.RemoveAt(items.Count - 1);
            }

            if (query.Backward)
            {
                items.Reverse();
            }
        }

        var firstIndex = items.Count == 0 ? 0
            : query.Index is { } index ? index
            : query.After is null && !query.Backward ? 0
            : query.Backward && query.Before is null ? count - items.Count
            : (int)await CountAsync(connection, owner, query, below: items[0].Id, cancellationToken).ConfigureAwait(false);
        return new ArchivePage(items, count, firstIndex, complete);
    }

    public async Task<(ArchivedMessage First, ArchivedMessage Last)?> BoundsAsync(ArchiveOwner owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var first = await EndAsync(connection, owner, "ASC", cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            return null;
        }

        return (first, (await EndAsync(connection, owner, "DESC", cancellationToken).ConfigureAwait(false))!);
    }

    public async Task<long> LargestIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = connection.CreateCommand(null, $"""
            SELECT MAX(largest) FROM (SELECT COALESCE(MAX(id), 0) AS largest FROM {AccountTable}
            UNION ALL SELECT COALESCE(MAX(id), 0) FROM {RoomTable}) AS archives
            """);
        return await select.ExecuteInt64Async(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> DeleteBelowAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var table in (string[])[AccountTable, RoomTable])
        {
            await using var delete = connection.CreateCommand(null, $"DELETE FROM {table} WHERE id < @id");
            delete.AddParameter("@id", id);
            deleted += await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    public async Task<int> DeleteAllAsync(ArchiveOwner owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = connection.CreateCommand(null, $"DELETE FROM {Table(owner)} WHERE jid = @jid");
        delete.AddParameter("@jid", Key(owner));
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ArchivePreferences?> GetPreferencesAsync(Jid account, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = connection.CreateCommand(null, "SELECT default_policy, always_jids, never_jids FROM archive_preferences WHERE jid = @jid");
        select.AddParameter("@jid", account.Bare.ToString());
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        ArchivePreferences.TryParsePolicy(reader.GetString(0), out var policy);
        return new ArchivePreferences(policy, JidSet(reader.GetString(1)), JidSet(reader.GetString(2)));
    }

    public async Task SetPreferencesAsync(Jid account, ArchivePreferences preferences, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var upsert = connection.CreateCommand(null, """
            INSERT INTO archive_preferences (jid, default_policy, always_jids, never_jids) VALUES (@jid, @policy, @always, @never)
            ON CONFLICT (jid) DO UPDATE SET default_policy = excluded.default_policy, always_jids = excluded.always_jids, never_jids = excluded.never_jids
            """);
        upsert.AddParameter("@jid", account.Bare.ToString());
        upsert.AddParameter("@policy", ArchivePreferences.Name(preferences.Default));
        upsert.AddParameter("@always", string.Join('\n', preferences.Always.Select(j => j.ToString()).Order(StringComparer.Ordinal)));
        upsert.AddParameter("@never", string.Join('\n', preferences.Never.Select(j => j.ToString()).Order(StringComparer.Ordinal)));
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// SQLite: one prepared single-row INSERT run for every row of the batch, inside its one
    /// transaction. Measured against multi-row INSERTs of 10 to 200 rows, this costs about half the CPU
    /// per row with Microsoft.Data.Sqlite, which binds each parameter by name (a linear search per
    /// parameter) on every execution. An account removed while its messages waited is filtered out
    /// once per batch (<see cref="LiveAccountsAsync"/>) under the write lock BEGIN IMMEDIATE holds,
    /// not per row; rooms' rows are not filtered. A batch written again after a failure that did
    /// commit finds its ids taken and changes nothing.
    /// </summary>
    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, List<ArchivedMessage> messages, bool rooms, CancellationToken cancellationToken)
    {
        var live = rooms ? null : await LiveAccountsAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand(transaction, $"""
            INSERT INTO {(rooms ? RoomTable : AccountTable)} (id, jid, with_bare, with_resource, received_at, stanza)
            VALUES (@id, @jid, @with_bare, @with_resource, @received_at, @stanza)
            ON CONFLICT (id) DO NOTHING
            """);
        foreach (var name in (string[])["@id", "@jid", "@with_bare", "@with_resource", "@received_at", "@stanza"])
        {
            insert.AddParameter(name, null);
        }

        var stamps = new ReceivedAtText();
        foreach (var message in messages)
        {
            var owner = Key(message.Owner);
            if (live is not null && !live.Contains(owner))
            {
                continue;
            }

            insert.Parameters[0].Value = message.Id;
            insert.Parameters[1].Value = owner;
            insert.Parameters[2].Value = message.With.Bare.ToString();
            insert.Parameters[3].Value = message.With.Resource ?? "";
            insert.Parameters[4].Value = stamps.Of(message.ReceivedAt);
            insert.Parameters[5].Value = message.Stanza;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// PostgreSQL: the batch goes in with one binary COPY into a temporary table, then one INSERT ...
    /// SELECT moves it over, joined to the accounts (an account removed while its messages waited
    /// takes them with it; rooms' rows are not joined) and skipping ids already there (a batch written
    /// again after a failure that did commit). COPY cannot skip either on its own, which is why it
    /// does not target the table.
    /// </summary>
    private static async Task CopyAsync(NpgsqlConnection connection, List<ArchivedMessage> messages, bool rooms, CancellationToken cancellationToken)
    {
        var table = rooms ? RoomTable : AccountTable;
        var incoming = table + "_incoming";
        await using (var staging = connection.CreateCommand())
        {
            staging.CommandText = $"CREATE TEMPORARY TABLE IF NOT EXISTS {incoming} (LIKE {table}) ON COMMIT DELETE ROWS";
            await staging.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var stamps = new ReceivedAtText();
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {incoming} (id, jid, with_bare, with_resource, received_at, stanza) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            foreach (var message in messages)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(message.Id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(Key(message.Owner), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(message.With.Bare.ToString(), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(message.With.Resource ?? "", NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(stamps.Of(message.ReceivedAt), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(message.Stanza, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var move = connection.CreateCommand();
        move.CommandText = $"""
            INSERT INTO {table} (id, jid, with_bare, with_resource, received_at, stanza)
            SELECT i.id, i.jid, i.with_bare, i.with_resource, i.received_at, i.stanza
            FROM {incoming} i {(rooms ? "" : "JOIN accounts a ON a.jid = i.jid")}
            ON CONFLICT (id) DO NOTHING
            """;
        await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The accounts among the batch's that still exist, one query per chunk of distinct accounts.</summary>
    private static async Task<HashSet<string>> LiveAccountsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ArchivedMessage> messages, CancellationToken cancellationToken)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            named.Add(Key(message.Owner));
        }

        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in named.Chunk(AccountsPerLookup))
        {
            await using var select = connection.CreateCommand(transaction, "");
            var names = new string[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                names[i] = "@a" + i.ToString(CultureInfo.InvariantCulture);
                select.AddParameter(names[i], chunk[i]);
            }

            select.CommandText = "SELECT jid FROM accounts WHERE jid IN (" + string.Join(", ", names) + ")";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                live.Add(reader.GetString(0));
            }
        }

        return live;
    }

    /// <summary>The owner's key in its table: the prepared bare JID (an account's is the accounts table's key).</summary>
    private static string Key(ArchiveOwner owner) => owner.Jid.Bare.ToString();

    private static string Table(ArchiveOwner owner) => owner.IsRoom ? RoomTable : AccountTable;

    /// <summary>The batch's account rows, then its room rows (a batch rarely mixes them much, so the split is two lists, not a sort).</summary>
    private static IEnumerable<(bool Rooms, List<ArchivedMessage> Rows)> Split(IReadOnlyList<ArchivedMessage> messages)
    {
        var accounts = new List<ArchivedMessage>(messages.Count);
        var rooms = new List<ArchivedMessage>();
        foreach (var message in messages)
        {
            (message.Owner.IsRoom ? rooms : accounts).Add(message);
        }

        return [(false, accounts), (true, rooms)];
    }

    /// <summary>The WHERE clause of the query's filters (not its page), its parameters added to the command.</summary>
    private static StringBuilder Filters(DbCommand command, ArchiveOwner owner, ArchiveQuery query)
    {
        var where = new StringBuilder("jid = @jid");
        command.AddParameter("@jid", Key(owner));
        if (query.With is { } with)
        {
            where.Append(" AND with_bare = @with_bare");
            command.AddParameter("@with_bare", with.Bare.ToString());
            if (with.Resource is { } resource)
            {
                where.Append(" AND with_resource = @with_resource");
                command.AddParameter("@with_resource", resource);
            }
        }

        if (query.Lowest is { } lowest)
        {
            where.Append(" AND id >= @lowest");
            command.AddParameter("@lowest", lowest);
        }

        if (query.Highest is { } highest)
        {
            where.Append(" AND id <= @highest");
            command.AddParameter("@highest", highest);
        }

        if (query.Ids is { } ids)
        {
            where.Append(ids.Count == 0 ? " AND 1 = 0" : " AND id IN (" + IdList(command, ids) + ")");
        }

        return where;
    }

    /// <summary>Items matching the filters, or only those below an id (the page's position).</summary>
    private static async Task<long> CountAsync(DbConnection connection, ArchiveOwner owner, ArchiveQuery query, long? below, CancellationToken cancellationToken)
    {
        await using var count = connection.CreateCommand(null, "");
        var where = Filters(count, owner, query);
        if (below is { } id)
        {
            where.Append(" AND id < @below");
            count.AddParameter("@below", id);
        }

        count.CommandText = $"SELECT COUNT(*) FROM {Table(owner)} WHERE " + where;
        return await count.ExecuteInt64Async(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parameters @id0, @id1... for an IN list (bounded by Archive:MaxPageSize), as their placeholders.</summary>
    private static string IdList(DbCommand command, IReadOnlyList<long> ids)
    {
        var names = new string[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            names[i] = "@id" + i.ToString(CultureInfo.InvariantCulture);
            command.AddParameter(names[i], ids[i]);
        }

        return string.Join(", ", names);
    }

    private static async Task<ArchivedMessage?> EndAsync(DbConnection connection, ArchiveOwner owner, string order, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand(null, $"SELECT {Columns} FROM {Table(owner)} WHERE jid = @jid ORDER BY id {order} LIMIT 1");
        select.AddParameter("@jid", Key(owner));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader, owner) : null;
    }

    private static ArchivedMessage Read(DbDataReader reader, ArchiveOwner owner)
    {
        var resource = reader.GetString(2);
        var with = Jid.Parse(resource.Length == 0 ? reader.GetString(1) : reader.GetString(1) + "/" + resource);
        var receivedAt = DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return new ArchivedMessage(reader.GetInt64(0), owner, with, receivedAt, reader.GetString(4));
    }

    private static HashSet<Jid> JidSet(string lines) =>
        [.. lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Jid.Parse)];
}
