using Parley.Server.Modules.Roster;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules;

/// <summary>
/// Whether the server, answering an IQ for an account's bare JID, may show that the account
/// exists: only to the account itself, the server, and entities the account shares its presence
/// with (a "from" or "both" subscription). Anyone else gets service-unavailable, the answer an
/// unknown account gets (RFC 6121 §8.5.1), so ping and disco cannot enumerate accounts
/// (XEP-0030 §8: not authorized to receive the target's presence).
/// </summary>
internal sealed class AccountPrivacy(IRosterStore rosters)
{
    public async ValueTask<bool> RevealsAsync(Origin? requester, Jid account, CancellationToken cancellationToken) =>
        requester is not null
        && (requester.Kind == OriginKind.Server
            || requester.Account.Equals(account)
            || await rosters.FindAsync(account, requester.Account, cancellationToken).ConfigureAwait(false) is { State.HasFrom: true });
}
