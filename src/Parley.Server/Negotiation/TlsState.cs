namespace Parley.Server.Negotiation;

/// <summary>What the negotiator learns from a completed TLS handshake: the RFC 5929 channel-binding data by type (null when unavailable).</summary>
internal sealed record TlsState(Func<string, byte[]?> ChannelBinding)
{
    /// <summary>The certificate the peer presented, if any (server-to-server streams ask for one, RFC 7590 §3.1).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? PeerCertificate { get; init; }

    /// <summary>The other certificates the peer sent with its own (intermediates), to build its chain with; never trusted as roots.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? PeerIntermediates { get; init; }
}
