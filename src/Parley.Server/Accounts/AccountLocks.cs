using Parley.Xmpp.Addressing;

namespace Parley.Server.Accounts;

/// <summary>
/// The one per-account lock: state of one account that is read, changed and stored in several
/// steps (its roster, its blocklist, its offline queue) changes under it, so two read loops acting
/// for one account take turns. Striped rather than one per account: bounded memory, and unrelated
/// accounts rarely share a stripe. Held only across one account's own steps, never while another
/// account's lock is taken (two accounts can share a stripe, and the lock is not re-entrant).
/// </summary>
internal sealed class AccountLocks
{
    private const int Stripes = 64;

    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Waits for the account's lock; dispose the result to release it.</summary>
    public async ValueTask<Held> LockAsync(Jid account, CancellationToken cancellationToken = default)
    {
        var stripe = _stripes[(uint)account.Bare.GetHashCode() % Stripes];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Held(stripe);
    }

    /// <summary>A held lock; disposing releases it once.</summary>
    public readonly struct Held(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
