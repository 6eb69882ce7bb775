using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.VCard;

/// <summary><see cref="IVCardStore"/> over table vcards (migration 0004).</summary>
internal sealed class SqlVCardStore(SqlDatabase database) : IVCardStore
{
    public async Task<string?> GetAsync(Jid account, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "SELECT xml FROM vcards WHERE jid = @jid");
        command.AddParameter("@jid", account.Bare.ToString());
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task SetAsync(Jid account, string? xml, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, xml is null
            ? "DELETE FROM vcards WHERE jid = @jid"
            : "INSERT INTO vcards (jid, xml) VALUES (@jid, @xml) ON CONFLICT (jid) DO UPDATE SET xml = excluded.xml");
        command.AddParameter("@jid", account.Bare.ToString());
        if (xml is not null)
        {
            command.AddParameter("@xml", xml);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
