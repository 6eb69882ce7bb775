using System.Buffers;
using System.Globalization;
using System.Text;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Offline;

/// <summary>
/// <see cref="IOfflineStore"/> over <see cref="SqlDatabase"/>: table offline_messages, one row per
/// stanza serialized as jabber:client XML. Rows go with their account (ON DELETE CASCADE).
/// </summary>
internal sealed class SqlOfflineStore(SqlDatabase database) : IOfflineStore
{
    private const string StreamRoot = "<stream:stream xmlns='" + Namespaces.Client + "' xmlns:stream='" + Namespaces.Streams + "'>";

    public async Task<bool> TryAddAsync(Jid account, Element message, DateTimeOffset receivedAt, OfflineQuota quota, CancellationToken cancellationToken = default)
    {
        var key = Key(account);
        var xml = ElementWriter.ToXml(message, Namespaces.Client);
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The account lock keeps concurrent senders' count-and-insert from interleaving (the quota is exact).
        await database.Provider.LockAccountAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);

        // octet_length (SQLite 3.43+, PostgreSQL) counts the UTF-8 bytes of the stored text.
        await using var insert = connection.CreateCommand(transaction, """
            INSERT INTO offline_messages (jid, received_at, stanza)
            SELECT @jid, @received_at, @stanza
            WHERE (SELECT COUNT(*) FROM offline_messages WHERE jid = @jid) < @quota
              AND (SELECT COALESCE(SUM(octet_length(stanza)), 0) FROM offline_messages WHERE jid = @jid) + @bytes <= @max_bytes
            """);
        insert.AddParameter("@jid", key);
        insert.AddParameter("@received_at", receivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        insert.AddParameter("@stanza", xml);
        insert.AddParameter("@quota", quota.Messages);
        insert.AddParameter("@bytes", (long)Encoding.UTF8.GetByteCount(xml));
        insert.AddParameter("@max_bytes", quota.Bytes);
        var added = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    public async Task<IReadOnlyList<OfflineMessage>> PeekAsync(Jid account, int max, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = connection.CreateCommand(null, "SELECT id, received_at, stanza FROM offline_messages WHERE jid = @jid ORDER BY id LIMIT @max");
        select.AddParameter("@jid", Key(account));
        select.AddParameter("@max", max);
        var messages = new List<OfflineMessage>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var receivedAt = DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            messages.Add(new OfflineMessage(reader.GetInt64(0), Parse(reader.GetString(2)), receivedAt));
        }

        return messages;
    }

    public async Task RemoveThroughAsync(Jid account, long lastId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = connection.CreateCommand(null, "DELETE FROM offline_messages WHERE jid = @jid AND id <= @id");
        delete.AddParameter("@jid", Key(account));
        delete.AddParameter("@id", lastId);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> CountAsync(Jid account, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var count = connection.CreateCommand(null, "SELECT COUNT(*) FROM offline_messages WHERE jid = @jid");
        count.AddParameter("@jid", Key(account));
        return (int)await count.ExecuteInt64Async(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The accounts table's key: the prepared bare JID.</summary>
    private static string Key(Jid account) => account.Bare.ToString();

    /// <summary>
    /// Reads a stored stanza back with the stream parser inside a jabber:client root. The server's
    /// own parser accepted it once, so limits only as large as the text itself are enough.
    /// </summary>
    private static Element Parse(string xml)
    {
        var bytes = Encoding.UTF8.GetBytes(StreamRoot + xml);
        var reader = new XmppStreamReader(new XmlLimits { MaxStanzaBytes = bytes.Length, MaxDepth = bytes.Length });
        var buffer = new ReadOnlySequence<byte>(bytes);
        if (reader.TryRead(ref buffer, out var root) && root.Kind == XmlStreamEventKind.StreamOpened
            && reader.TryRead(ref buffer, out var stanza) && stanza.Kind == XmlStreamEventKind.Element)
        {
            return stanza.Element!;
        }

        throw new InvalidDataException("A stored offline message is not a complete element.");
    }
}
