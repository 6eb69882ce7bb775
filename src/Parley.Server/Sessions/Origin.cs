using Parley.Xmpp.Addressing;

namespace Parley.Server.Sessions;

/// <summary>
/// The sender of a stanza as a value: a bound client session, another domain's server, a component,
/// or the server itself. Modules tell a remote sender from a local one by <see cref="Kind"/>, never by
/// the domain, and answer it through the delivery path (<c>Routing/StanzaDelivery.Reply</c>), which
/// knows where each kind of origin is reached. A local session is its own origin, so routing a
/// client's stanza allocates none.
/// </summary>
internal abstract class Origin(Jid jid, OriginKind kind)
{
    /// <summary>The sender's address: a full JID for a session, the checked 'from' for a remote server or component, a domain or account for the server.</summary>
    public Jid Jid { get; } = jid;

    /// <summary>The sender's bare JID (its domain when it has no local part).</summary>
    public Jid Account { get; } = jid.Bare;

    public OriginKind Kind { get; } = kind;

    /// <summary>A stanza that arrived from another domain's server, its 'from' already checked against the stream.</summary>
    public static Origin Remote(Jid from) => new Address(from, OriginKind.RemoteServer);

    /// <summary>A stanza from a component, its 'from' already checked to be inside the component's domain.</summary>
    public static Origin Component(Jid from) => new Address(from, OriginKind.Component);

    /// <summary>
    /// A stanza the server generates: as itself when <paramref name="jid"/> is a domain (errors, pushes,
    /// what XEP-0191 must send despite a block), or for one of its accounts (presence, subscription answers),
    /// which then meets the same filters as what the account sends.
    /// </summary>
    public static Origin Server(Jid jid) => new Address(jid, OriginKind.Server);

    /// <summary>The server itself, as the domain of <paramref name="jid"/>: no account's policy applies to what it sends.</summary>
    public static Origin ServerOf(Jid jid) => new Address(Jid.Create(null, jid.Domain), OriginKind.Server);

    /// <summary>True for the server speaking as itself (a domain JID): no account's policy applies.</summary>
    public bool IsServerItself => Kind == OriginKind.Server && Jid.Local is null;

    public override string ToString() => Jid.ToString();

    private sealed class Address(Jid jid, OriginKind kind) : Origin(jid, kind);
}
