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
}
