using Parley.Server.Storage;

namespace Parley.Server.Modules.Muc;

/// <summary><see cref="IRoomStore"/> over table muc_rooms (migration 0006), the same statements for every provider.</summary>
internal sealed class SqlRoomStore(SqlDatabase database) : IRoomStore
{
    public async Task<IReadOnlyList<(string Jid, string Xml)>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "SELECT jid, xml FROM muc_rooms ORDER BY jid");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rooms = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rooms.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rooms;
    }

    public async Task SaveAsync(string jid, string xml, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "INSERT INTO muc_rooms (jid, xml) VALUES (@jid, @xml) ON CONFLICT (jid) DO UPDATE SET xml = excluded.xml");
        command.AddParameter("@jid", jid);
        command.AddParameter("@xml", xml);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string jid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "DELETE FROM muc_rooms WHERE jid = @jid");
        command.AddParameter("@jid", jid);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
