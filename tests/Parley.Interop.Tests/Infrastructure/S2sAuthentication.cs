namespace Parley.Interop.Tests.Infrastructure;

/// <summary>How a server-to-server stream proved its domain.</summary>
internal enum S2sAuthentication
{
    /// <summary>SASL EXTERNAL with a certificate valid for the domain (RFC 6120 §6, XEP-0178).</summary>
    SaslExternal,

    /// <summary>Server Dialback (XEP-0220).</summary>
    Dialback,
}
