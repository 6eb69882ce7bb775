using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.LastActivity;

/// <summary><see cref="ILastActivityStore"/> over table last_activity (migration 0009), times in Unix seconds.</summary>
internal sealed class SqlLastActivityStore(SqlDatabase database) : ILastActivityStore
{
    public async Task<LastLogout?> GetAsync(Jid account, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "SELECT logged_out, status FROM last_activity WHERE jid = @jid");
        command.AddParameter("@jid", account.Bare.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new LastLogout(DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0)), reader.GetString(1))
            : null;
    }

    public async Task SetAsync(Jid account, LastLogout logout, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        // An account removed while online (parley user remove) ends its sessions after its row is
        // gone: nothing to keep then, and the insert must not trip the foreign key.
        await using var command = connection.CreateCommand(null,
            "INSERT INTO last_activity (jid, logged_out, status) SELECT @jid, @at, @status WHERE EXISTS (SELECT 1 FROM accounts WHERE jid = @jid) "
            + "ON CONFLICT (jid) DO UPDATE SET logged_out = excluded.logged_out, status = excluded.status");
        command.AddParameter("@jid", account.Bare.ToString());
        command.AddParameter("@at", logout.At.ToUnixTimeSeconds());
        command.AddParameter("@status", logout.Status);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
