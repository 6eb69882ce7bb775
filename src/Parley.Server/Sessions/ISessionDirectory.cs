using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

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

    /// <summary>
    /// An action: delivers to the session bound at a full JID (its outbound filters run there);
    /// false when none is bound or it could not take the stanza. Never waits on its transport.
    /// </summary>
    bool TryDeliver(Jid fullJid, Element stanza) => Find(fullJid)?.Send(stanza) ?? false;

    /// <summary>The account's resources as values (full JID, priority, last presence), for decisions about another account's resources.</summary>
    IReadOnlyList<ResourceSnapshot> Snapshot(Jid account) =>
        [.. Resources(account).Select(r => new ResourceSnapshot(r.Jid, r.Priority, r.Presence))];
}
