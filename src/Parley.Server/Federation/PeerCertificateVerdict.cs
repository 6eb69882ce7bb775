namespace Parley.Server.Federation;

/// <summary>What <see cref="PeerCertificateValidator"/> concluded about a remote server's certificate for one domain.</summary>
internal enum PeerCertificateVerdict
{
    /// <summary>Chains to a trusted CA, is in date, and names the domain (RFC 7590 §3.1): SASL EXTERNAL may authenticate it.</summary>
    Valid,

    /// <summary>The peer presented no certificate.</summary>
    Missing,

    /// <summary>It does not chain to a trusted CA (self-signed, unknown issuer, broken chain or signature).</summary>
    Untrusted,

    /// <summary>It, or a certificate of its chain, is not yet or no longer valid.</summary>
    Expired,

    /// <summary>Trusted and in date, but for another domain (RFC 6125 §6).</summary>
    NameMismatch,
}
