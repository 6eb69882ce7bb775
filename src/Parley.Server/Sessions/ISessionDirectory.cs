using Parley.Xmpp.Addressing;

namespace Parley.Server.Sessions;

/// <summary>
/// Where each account's bound resources are. Local now; a cluster directory (Redis) can replace
/// it later without the router or the modules knowing (the SignalR HubLifetimeManager seam).
/// </summary>
internal interface ISessionDirectory
{
    /// <summary>
    /// Registers a session. RFC 6120 §7.7.2.2: when its full JID is taken the new session wins and
    /// the old one is returned (the caller closes it with &lt;conflict/&gt;).
    /// </summary>
    BindOutcome TryBind(ClientSession session, int maxResourcesPerAccount);

    /// <summary>Removes the session if it is still the one registered for its JID.</summary>
    bool Unbind(ClientSession session);

    ClientSession? Find(Jid fullJid);

    /// <summary>A snapshot of the account's bound resources (empty when none).</summary>
    IReadOnlyList<ClientSession> Resources(Jid account);
}
