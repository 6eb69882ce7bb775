using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Routing;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Roster;

/// <summary>
/// Bounds the inbound subscription requests an account keeps pending (RFC 6121 §3.1.3 leaves
/// their storage to the server): Limits:MaxPendingSubscriptions in all, and
/// Limits:MaxPendingSubscriptionsPerDomain from any one remote domain, so a server minting JIDs
/// cannot fill an account's storage nor the redelivery at each login (§3.1.3, last paragraph).
/// The policy is "the new is refused": requests already pending stay, so a flood cannot push a
/// genuine request out. Status text is kept up to Limits:MaxSubscriptionStatusBytes.
/// </summary>
internal sealed class PendingRequestQuota(IRosterStore store, HostedDomains domains, IOptions<ParleyOptions> options)
{
    private readonly int _perAccount = options.Value.Limits.MaxPendingSubscriptions;
    private readonly int _perDomain = options.Value.Limits.MaxPendingSubscriptionsPerDomain;
    private readonly int _statusBytes = options.Value.Limits.MaxSubscriptionStatusBytes;

    /// <summary>Whether one more request, from the contact, may be kept pending; called under the account's roster lock.</summary>
    public async Task<bool> AdmitsAsync(Jid account, Jid contact, CancellationToken cancellationToken)
    {
        var pending = await store.PendingAsync(account, cancellationToken).ConfigureAwait(false);
        if (pending.Count >= _perAccount)
        {
            return false;
        }

        // Local senders are accounts of this server, bounded by the per-account limit alone.
        return domains.Contains(contact.Domain)
            || pending.Count(p => string.Equals(p.Contact.Domain, contact.Domain, StringComparison.Ordinal)) < _perDomain;
    }

    /// <summary>The status text as stored: cut to the byte limit on a character boundary.</summary>
    public string StoredStatus(string status)
    {
        if (Encoding.UTF8.GetByteCount(status) <= _statusBytes)
        {
            return status;
        }

        var length = 0;
        var bytes = 0;
        foreach (var rune in status.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > _statusBytes)
            {
                break;
            }

            length += rune.Utf16SequenceLength;
        }

        return status[..length];
    }
}
