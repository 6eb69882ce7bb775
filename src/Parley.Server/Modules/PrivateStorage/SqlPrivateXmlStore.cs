using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.PrivateStorage;

/// <summary><see cref="IPrivateXmlStore"/> over table private_xml (migration 0004).</summary>
internal sealed class SqlPrivateXmlStore(SqlDatabase database) : IPrivateXmlStore
{
    public async Task<string?> GetAsync(Jid account, string name, string ns, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "SELECT xml FROM private_xml WHERE jid = @jid AND namespace = @namespace AND name = @name");
        command.AddParameter("@jid", account.Bare.ToString());
        command.AddParameter("@namespace", ns);
        command.AddParameter("@name", name);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<bool> SetAsync(Jid account, IReadOnlyList<PrivateXmlItem> items, long maxTotalBytes, CancellationToken cancellationToken)
    {
        var key = account.Bare.ToString();
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);

        // One write transaction: the quota is checked against what the changes leave, and two
        // resources storing at once cannot both slip under it.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await database.Provider.LockAccountAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            await using var command = connection.CreateCommand(transaction, item.Xml is null
                ? "DELETE FROM private_xml WHERE jid = @jid AND namespace = @namespace AND name = @name"
                : "INSERT INTO private_xml (jid, name, namespace, xml, size) VALUES (@jid, @name, @namespace, @xml, @size) "
                    + "ON CONFLICT (jid, namespace, name) DO UPDATE SET xml = excluded.xml, size = excluded.size");
            command.AddParameter("@jid", key);
            command.AddParameter("@namespace", item.Namespace);
            command.AddParameter("@name", item.Name);
            if (item.Xml is not null)
            {
                command.AddParameter("@xml", item.Xml);
                command.AddParameter("@size", StoredXml.Size(item.Xml));
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var total = connection.CreateCommand(transaction, "SELECT COALESCE(SUM(size), 0) FROM private_xml WHERE jid = @jid"))
        {
            total.AddParameter("@jid", key);
            if (await total.ExecuteInt64Async(cancellationToken).ConfigureAwait(false) > maxTotalBytes)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
