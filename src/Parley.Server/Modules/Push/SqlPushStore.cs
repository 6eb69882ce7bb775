using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Push;

/// <summary><see cref="IPushStore"/> over table push_registrations (migration 0010).</summary>
internal sealed class SqlPushStore(SqlDatabase database) : IPushStore
{
    public async Task<IReadOnlyList<PushRegistration>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null,
            "SELECT jid, app_server, node, publish_options, enabled_at FROM push_registrations ORDER BY jid, enabled_at");
        var registrations = new List<PushRegistration>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            registrations.Add(new PushRegistration(
                Jid.Parse(reader.GetString(0)),
                Jid.Parse(reader.GetString(1)),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return registrations;
    }

    public async Task SaveAsync(PushRegistration registration, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null,
            "INSERT INTO push_registrations (jid, app_server, node, publish_options, enabled_at) VALUES (@jid, @app, @node, @options, @at) "
            + "ON CONFLICT (jid, app_server, node) DO UPDATE SET publish_options = excluded.publish_options, enabled_at = excluded.enabled_at");
        command.AddParameter("@jid", registration.Account.Bare.ToString());
        command.AddParameter("@app", registration.AppServer.ToString());
        command.AddParameter("@node", registration.Node);
        command.AddParameter("@options", registration.PublishOptions);
        command.AddParameter("@at", registration.EnabledAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveAsync(Jid account, Jid appServer, string? node, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, node is null
            ? "DELETE FROM push_registrations WHERE jid = @jid AND app_server = @app"
            : "DELETE FROM push_registrations WHERE jid = @jid AND app_server = @app AND node = @node");
        command.AddParameter("@jid", account.Bare.ToString());
        command.AddParameter("@app", appServer.ToString());
        if (node is not null)
        {
            command.AddParameter("@node", node);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
