namespace Parley.Server.Federation;

/// <summary>
/// What a remote server's certificate must be for its domain to be accepted (S2s:CertificatePolicy,
/// S2s:DomainPolicies), RFC 7590 §3.1 leaving the choice to local policy.
/// </summary>
internal enum S2sCertificatePolicy
{
    /// <summary>A certificate valid for the domain (RFC 6125) is required; SASL EXTERNAL authenticates, and a stream without one is refused.</summary>
    Require,

    /// <summary>A valid certificate authenticates with SASL EXTERNAL; otherwise Server Dialback (XEP-0220) may prove the domain. The default.</summary>
    Dialback,

    /// <summary>Certificates are not judged; domains are proven by Server Dialback only.</summary>
    Off,
}
