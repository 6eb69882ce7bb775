using System.Collections.Concurrent;
using Parley.Server.Accounts;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Blocking;

/// <summary>
/// The blocklists in force. Those of accounts with bound resources are held in memory, so the
/// check every routed stanza makes costs a dictionary lookup; the others are read from the store
/// when a stanza reaches them (an offline account gets few). Loading, changing and forgetting a
/// list take the account's lock (AccountLocks), so the memory copy is never older than the stored one.
/// </summary>
internal sealed class Blocklists(IBlocklistStore store, ISessionDirectory sessions, AccountLocks locks)
{
    private readonly ConcurrentDictionary<Jid, Blocklist> _online = new();

    public async ValueTask<Blocklist> GetAsync(Jid account, CancellationToken cancellationToken) =>
        _online.TryGetValue(account, out var list) ? list : new Blocklist(await store.GetAsync(account, cancellationToken).ConfigureAwait(false));

    /// <summary>A resource was bound: keep the account's list in memory while it has any.</summary>
    public async Task LoadAsync(Jid account, CancellationToken cancellationToken)
    {
        using (await locks.LockAsync(account, cancellationToken).ConfigureAwait(false))
        {
            if (!_online.ContainsKey(account))
            {
                _online[account] = new Blocklist(await store.GetAsync(account, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    /// <summary>A resource ended: drop the memory copy once the account has none left.</summary>
    public async Task ForgetIfOfflineAsync(Jid account)
    {
        using (await locks.LockAsync(account).ConfigureAwait(false))
        {
            if (sessions.Resources(account).Count == 0)
            {
                _online.TryRemove(account, out _);
            }
        }
    }

    /// <summary>Adds JIDs; false (and nothing stored) when the list would then hold more than <paramref name="max"/>.</summary>
    public Task<bool> BlockAsync(Jid account, IReadOnlyCollection<Jid> items, int max, CancellationToken cancellationToken) =>
        ChangeAsync(account, current => current.With(items), next => next.Count <= max, () => store.AddAsync(account, items, cancellationToken), cancellationToken);

    /// <summary>Removes JIDs, or all of them when <paramref name="items"/> is null.</summary>
    public Task UnblockAsync(Jid account, IReadOnlyCollection<Jid>? items, CancellationToken cancellationToken) =>
        ChangeAsync(account, current => items is null ? Blocklist.Empty : current.Without(items), _ => true, () => store.RemoveAsync(account, items, cancellationToken), cancellationToken);

    private async Task<bool> ChangeAsync(Jid account, Func<Blocklist, Blocklist> change, Func<Blocklist, bool> allowed, Func<Task> write, CancellationToken cancellationToken)
    {
        using (await locks.LockAsync(account, cancellationToken).ConfigureAwait(false))
        {
            var next = change(await GetAsync(account, cancellationToken).ConfigureAwait(false));
            if (!allowed(next))
            {
                return false;
            }

            // Stored first: the block holds across sessions and restarts (XEP-0191 §3.3) before anyone is told.
            await write().ConfigureAwait(false);
            if (_online.ContainsKey(account))
            {
                _online[account] = next;
            }

            return true;
        }
    }
}
