using System.Data.Common;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Pep;

/// <summary><see cref="IPepStore"/> over tables pep_nodes and pep_items (migration 0007).</summary>
internal sealed class SqlPepStore(SqlDatabase database) : IPepStore
{
    private const string NodeColumns = "node, access_model, max_items, persist_items, send_last, notify_retract, roster_groups";

    public async Task<IReadOnlyList<PepNode>> NodesAsync(Jid account, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, $"SELECT {NodeColumns} FROM pep_nodes WHERE jid = @jid ORDER BY node");
        command.AddParameter("@jid", account.Bare.ToString());
        var nodes = new List<PepNode>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            nodes.Add(ReadNode(reader));
        }

        return nodes;
    }

    public async Task<PepNode?> FindAsync(Jid account, string node, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, $"SELECT {NodeColumns} FROM pep_nodes WHERE jid = @jid AND node = @node");
        command.AddParameter("@jid", account.Bare.ToString());
        command.AddParameter("@node", node);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadNode(reader) : null;
    }

    public async Task<bool> CreateAsync(Jid account, string node, NodeConfig config, int maxNodes, CancellationToken cancellationToken)
    {
        var key = account.Bare.ToString();
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);

        // One transaction under the account's lock: two resources creating at once cannot both pass the count.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.Provider.LockAccountAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        await using (var count = connection.CreateCommand(transaction, "SELECT COUNT(*) FROM pep_nodes WHERE jid = @jid"))
        {
            count.AddParameter("@jid", key);
            if (await count.ExecuteInt64Async(cancellationToken).ConfigureAwait(false) >= maxNodes)
            {
                return false;
            }
        }

        await using (var insert = connection.CreateCommand(transaction,
            $"INSERT INTO pep_nodes (jid, {NodeColumns}) VALUES (@jid, @node, @access, @max, @persist, @sendLast, @notifyRetract, @groups) ON CONFLICT (jid, node) DO NOTHING"))
        {
            insert.AddParameter("@jid", key);
            insert.AddParameter("@node", node);
            AddConfig(insert, config);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task ConfigureAsync(Jid account, string node, NodeConfig config, int keep, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.CreateCommand(transaction,
            "UPDATE pep_nodes SET access_model = @access, max_items = @max, persist_items = @persist, send_last = @sendLast, "
            + "notify_retract = @notifyRetract, roster_groups = @groups WHERE jid = @jid AND node = @node"))
        {
            command.AddParameter("@jid", account.Bare.ToString());
            command.AddParameter("@node", node);
            AddConfig(command, config);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await TrimAsync(connection, transaction, account.Bare.ToString(), node, keep, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(Jid account, string node, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "DELETE FROM pep_items WHERE jid = @jid AND node = @node", account, node, cancellationToken).ConfigureAwait(false);
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM pep_nodes WHERE jid = @jid AND node = @node", account, node, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    public async Task PublishAsync(Jid account, string node, PepItem item, int keep, CancellationToken cancellationToken)
    {
        var key = account.Bare.ToString();
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);

        // The sequence number orders items by publication; under the account's lock two publishers take turns.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.Provider.LockAccountAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        await using (var upsert = connection.CreateCommand(transaction,
            "INSERT INTO pep_items (jid, node, item_id, seq, publisher, xml) VALUES (@jid, @node, @id, "
            + "(SELECT COALESCE(MAX(seq), 0) + 1 FROM pep_items WHERE jid = @jid AND node = @node), @publisher, @xml) "
            + "ON CONFLICT (jid, node, item_id) DO UPDATE SET seq = excluded.seq, publisher = excluded.publisher, xml = excluded.xml"))
        {
            upsert.AddParameter("@jid", key);
            upsert.AddParameter("@node", node);
            upsert.AddParameter("@id", item.Id);
            upsert.AddParameter("@publisher", item.Publisher);
            upsert.AddParameter("@xml", item.Xml);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await TrimAsync(connection, transaction, key, node, keep, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PepItem>> ItemsAsync(Jid account, string node, int? max, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null,
            "SELECT item_id, xml, publisher FROM pep_items WHERE jid = @jid AND node = @node ORDER BY seq DESC"
            + (max is null ? "" : " LIMIT @max"));
        command.AddParameter("@jid", account.Bare.ToString());
        command.AddParameter("@node", node);
        if (max is not null)
        {
            command.AddParameter("@max", max.Value);
        }

        var items = new List<PepItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (ids is null || ids.Contains(id))
            {
                items.Add(new PepItem(id, reader.GetString(1), reader.GetString(2)));
            }
        }

        return items;
    }

    public async Task<bool> RetractAsync(Jid account, string node, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "DELETE FROM pep_items WHERE jid = @jid AND node = @node AND item_id = @id");
        command.AddParameter("@jid", account.Bare.ToString());
        command.AddParameter("@node", node);
        command.AddParameter("@id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task PurgeAsync(Jid account, string node, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "DELETE FROM pep_items WHERE jid = @jid AND node = @node", account, node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps the node's newest <paramref name="keep"/> items.</summary>
    private static async Task TrimAsync(DbConnection connection, DbTransaction transaction, string key, string node, int keep, CancellationToken cancellationToken)
    {
        await using var trim = connection.CreateCommand(transaction,
            "DELETE FROM pep_items WHERE jid = @jid AND node = @node AND seq <= "
            + "(SELECT seq FROM pep_items WHERE jid = @jid AND node = @node ORDER BY seq DESC LIMIT 1 OFFSET @keep)");
        trim.AddParameter("@jid", key);
        trim.AddParameter("@node", node);
        trim.AddParameter("@keep", keep);
        await trim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, Jid account, string node, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, sql);
        command.AddParameter("@jid", account.Bare.ToString());
        command.AddParameter("@node", node);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddConfig(DbCommand command, NodeConfig config)
    {
        command.AddParameter("@access", NodeConfigForm.AccessName(config.Access));
        command.AddParameter("@max", config.MaxItems);
        command.AddParameter("@persist", config.PersistItems);
        command.AddParameter("@sendLast", (int)config.SendLast);
        command.AddParameter("@notifyRetract", config.NotifyRetract);
        command.AddParameter("@groups", config.RosterGroups);
    }

    private static PepNode ReadNode(DbDataReader reader) => new(
        reader.GetString(0),
        new NodeConfig(
            Enum.GetValues<AccessModel>().First(a => NodeConfigForm.AccessName(a) == reader.GetString(1)),
            reader.IsDBNull(2) ? null : reader.GetInt32(2),
            reader.GetBoolean(3),
            (SendLastPublishedItem)reader.GetInt32(4),
            reader.GetBoolean(5),
            reader.GetString(6)));
}
