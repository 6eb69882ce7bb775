using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.LastActivity;

/// <summary>Each account's last logout (XEP-0012 §4), keyed by its bare JID; kept until the account is deleted.</summary>
internal interface ILastActivityStore
{
    /// <summary>The last logout, or null when the account has not logged out since it was created.</summary>
    Task<LastLogout?> GetAsync(Jid account, CancellationToken cancellationToken);

    /// <summary>Replaces the account's last logout, committed before it returns; nothing for an account that no longer exists.</summary>
    Task SetAsync(Jid account, LastLogout logout, CancellationToken cancellationToken);
}
