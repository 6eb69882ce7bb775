using System.Data.Common;
using System.Text.Json;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Roster;

/// <summary>
/// <see cref="IRosterStore"/> over <see cref="SqlDatabase"/>: roster_items (groups as a JSON
/// array), roster_versions (the per-account counter) and roster_pending.
/// </summary>
internal sealed class SqlRosterStore(SqlDatabase database) : IRosterStore
{
    private const string ItemColumns =
        "contact, name, subscription, pending_out, approved, groups, EXISTS (SELECT 1 FROM roster_pending p WHERE p.jid = i.jid AND p.contact = i.contact)";

    public async Task<RosterSnapshot> GetAsync(Jid account, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // The version is read before the items: a change in between makes the answer carry items
        // newer than its version, so the client's next get fetches again instead of missing it.
        var version = await VersionAsync(connection, null, Key(account), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, $"SELECT {ItemColumns} FROM roster_items i WHERE i.jid = @jid ORDER BY contact");
        command.AddParameter("@jid", Key(account));
        var items = new List<RosterItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(ReadItem(reader));
        }

        return new RosterSnapshot(version, items);
    }

    public async Task<RosterItem?> FindAsync(Jid account, Jid contact, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, $"SELECT {ItemColumns} FROM roster_items i WHERE i.jid = @jid AND i.contact = @contact");
        command.AddParameter("@jid", Key(account));
        command.AddParameter("@contact", contact.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadItem(reader) : null;
    }

    public async Task<int> CountAsync(Jid account, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "SELECT COUNT(*) FROM roster_items WHERE jid = @jid");
        command.AddParameter("@jid", Key(account));
        return (int)await command.ExecuteInt64Async(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> SaveAsync(Jid account, RosterItem item, CancellationToken cancellationToken)
    {
        var key = Key(account);
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var version = await IncrementVersionAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        await using (var upsert = connection.CreateCommand(transaction, """
            INSERT INTO roster_items (jid, contact, name, subscription, pending_out, approved, groups, version)
            VALUES (@jid, @contact, @name, @subscription, @pending_out, @approved, @groups, @version)
            ON CONFLICT (jid, contact) DO UPDATE SET name = excluded.name, subscription = excluded.subscription,
                pending_out = excluded.pending_out, approved = excluded.approved, groups = excluded.groups, version = excluded.version
            """))
        {
            upsert.AddParameter("@jid", key);
            upsert.AddParameter("@contact", item.Contact.ToString());
            upsert.AddParameter("@name", item.Name);
            upsert.AddParameter("@subscription", RosterXml.SubscriptionName(item.State.Subscription));
            upsert.AddParameter("@pending_out", item.State.PendingOut);
            upsert.AddParameter("@approved", item.State.Approved);
            upsert.AddParameter("@groups", JsonSerializer.Serialize(item.Groups, RosterJson.Default.IReadOnlyListString));
            upsert.AddParameter("@version", version);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return version;
    }

    public async Task<long?> RemoveAsync(Jid account, Jid contact, CancellationToken cancellationToken)
    {
        var key = Key(account);
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var delete = connection.CreateCommand(transaction, "DELETE FROM roster_items WHERE jid = @jid AND contact = @contact"))
        {
            delete.AddParameter("@jid", key);
            delete.AddParameter("@contact", contact.ToString());
            if (await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }
        }

        var version = await IncrementVersionAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return version;
    }

    public async Task<bool> IsPendingAsync(Jid account, Jid contact, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "SELECT COUNT(*) FROM roster_pending WHERE jid = @jid AND contact = @contact");
        command.AddParameter("@jid", Key(account));
        command.AddParameter("@contact", contact.ToString());
        return await command.ExecuteInt64Async(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task SetPendingAsync(Jid account, Jid contact, string? status, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, status is null
            ? "DELETE FROM roster_pending WHERE jid = @jid AND contact = @contact"
            : "INSERT INTO roster_pending (jid, contact, status) VALUES (@jid, @contact, @status) ON CONFLICT (jid, contact) DO UPDATE SET status = excluded.status");
        command.AddParameter("@jid", Key(account));
        command.AddParameter("@contact", contact.ToString());
        if (status is not null)
        {
            command.AddParameter("@status", status);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<(Jid Contact, string Status)>> PendingAsync(Jid account, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "SELECT contact, status FROM roster_pending WHERE jid = @jid ORDER BY contact");
        command.AddParameter("@jid", Key(account));
        var pending = new List<(Jid, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Add((Jid.Parse(reader.GetString(0)), reader.GetString(1)));
        }

        return pending;
    }

    /// <summary>The flags read as booleans: PostgreSQL's boolean columns and EXISTS, SQLite's 0/1 integers.</summary>
    private static RosterItem ReadItem(DbDataReader reader) => new(
        Jid.Parse(reader.GetString(0)),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        JsonSerializer.Deserialize(reader.GetString(5), RosterJson.Default.IReadOnlyListString) ?? [],
        new SubscriptionState(RosterXml.ParseSubscription(reader.GetString(2)) ?? Subscription.None, reader.GetBoolean(3), reader.GetBoolean(6), reader.GetBoolean(4)));

    private static async Task<long> VersionAsync(DbConnection connection, DbTransaction? transaction, string key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(transaction, "SELECT COALESCE(MAX(version), 0) FROM roster_versions WHERE jid = @jid");
        command.AddParameter("@jid", key);
        return await command.ExecuteInt64Async(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> IncrementVersionAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken cancellationToken)
    {
        await using (var bump = connection.CreateCommand(transaction, "INSERT INTO roster_versions (jid, version) VALUES (@jid, 1) ON CONFLICT (jid) DO UPDATE SET version = roster_versions.version + 1"))
        {
            bump.AddParameter("@jid", key);
            await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await VersionAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
    }

    private static string Key(Jid account) => account.Bare.ToString();
}
