using System.Collections.Concurrent;
using Parley.Server.Modules.VCard;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Avatars;

/// <summary>
/// The XEP-0153 photo hash of each online account ("" for none), read from its vCard at its first
/// available presence and kept current by the conversions, so stamping presence reads no database.
/// An entry goes when the account's last resource does: at most one per online account.
/// </summary>
internal sealed class AvatarHashes(IVCardStore vcards)
{
    private readonly ConcurrentDictionary<Jid, string> _hashes = new();

    public async ValueTask<string> GetAsync(Jid account, CancellationToken cancellationToken)
    {
        if (_hashes.TryGetValue(account, out var hash))
        {
            return hash;
        }

        var stored = await vcards.GetAsync(account, cancellationToken).ConfigureAwait(false);
        hash = stored is not null && VCardPhoto.Read(StoredXml.Read(stored)) is { } photo ? photo.Hash : "";
        return _hashes.GetOrAdd(account, hash);
    }

    public void Set(Jid account, string hash) => _hashes[account] = hash;

    public void Forget(Jid account) => _hashes.TryRemove(account, out _);
}
