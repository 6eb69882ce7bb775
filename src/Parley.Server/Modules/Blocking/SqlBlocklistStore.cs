using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Blocking;

/// <summary><see cref="IBlocklistStore"/> over table blocklist_items (migration 0004).</summary>
internal sealed class SqlBlocklistStore(SqlDatabase database) : IBlocklistStore
{
    public async Task<IReadOnlyList<Jid>> GetAsync(Jid account, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(null, "SELECT item FROM blocklist_items WHERE jid = @jid ORDER BY item");
        command.AddParameter("@jid", account.Bare.ToString());
        var items = new List<Jid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(Jid.Parse(reader.GetString(0)));
        }

        return items;
    }

    public Task AddAsync(Jid account, IReadOnlyCollection<Jid> items, CancellationToken cancellationToken) =>
        ApplyAsync(account, Keys(items), "INSERT INTO blocklist_items (jid, item) VALUES (@jid, @item) ON CONFLICT (jid, item) DO NOTHING", cancellationToken);

    public Task RemoveAsync(Jid account, IReadOnlyCollection<Jid>? items, CancellationToken cancellationToken) =>
        ApplyAsync(account, items is null ? [null] : Keys(items), items is null ? "DELETE FROM blocklist_items WHERE jid = @jid" : "DELETE FROM blocklist_items WHERE jid = @jid AND item = @item", cancellationToken);

    private static IEnumerable<string?> Keys(IEnumerable<Jid> items) => items.Select(i => (string?)i.ToString());

    /// <summary>Runs the statement once per item (a null item: without @item), in one transaction.</summary>
    private async Task ApplyAsync(Jid account, IEnumerable<string?> items, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            await using var command = connection.CreateCommand(transaction, sql);
            command.AddParameter("@jid", account.Bare.ToString());
            if (item is not null)
            {
                command.AddParameter("@item", item);
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
