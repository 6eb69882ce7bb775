using System.Collections.Concurrent;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// Each account's XEP-0313 §6 preferences, read once from the store and kept, so deciding whether
/// to archive a message costs no database read. Bounded: past <see cref="Capacity"/> accounts the
/// cache starts over (an account is read again on its next message).
/// </summary>
internal sealed class ArchivePreferenceCache(IArchiveStore store, ArchivePreferences serverDefault)
{
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<Jid, ArchivePreferences> _cache = new();

    public async ValueTask<ArchivePreferences> GetAsync(Jid account, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(account, out var cached))
        {
            return cached;
        }

        var stored = await store.GetPreferencesAsync(account, cancellationToken).ConfigureAwait(false) ?? serverDefault;
        if (_cache.Count >= Capacity)
        {
            _cache.Clear();
        }

        // A concurrent SetAsync wins over this read: it is newer.
        return _cache.GetOrAdd(account, stored);
    }

    public async Task SetAsync(Jid account, ArchivePreferences preferences, CancellationToken cancellationToken)
    {
        await store.SetPreferencesAsync(account, preferences, cancellationToken).ConfigureAwait(false);
        _cache[account] = preferences;
    }
}
