namespace Parley.Server.Modules;

/// <summary>Whom a stanza is addressed to, as the router classified it (Prosody's host/bare/full split as a type).</summary>
[Flags]
internal enum Addressed
{
    None = 0,

    /// <summary>A hosted domain (or no 'to' for presence/message handled by the server itself).</summary>
    Server = 1,

    /// <summary>A local account's bare JID, or an IQ without 'to' (RFC 6120 §10.3.3: handled on behalf of the account).</summary>
    Account = 2,

    /// <summary>A local full JID.</summary>
    Resource = 4,

    /// <summary>Before authentication: only stream-level IQs such as in-band registration (XEP-0077).</summary>
    Unauthenticated = 8,

    /// <summary>
    /// A domain this server does not host. Only the presence chain sees it, before the stanza leaves:
    /// RFC 6121 §3.1.2 has the user's server record an outbound subscription stanza in the roster
    /// whatever the contact's domain.
    /// </summary>
    Remote = 16,

    /// <summary>
    /// A component domain or a JID at it (<see cref="Routing.HostKind"/>): the component answers for
    /// it, so only the filters see it before the router hands it over.
    /// </summary>
    Component = 32,
}
