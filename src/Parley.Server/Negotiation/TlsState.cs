namespace Parley.Server.Negotiation;

/// <summary>What the negotiator learns from a completed TLS handshake: the RFC 5929 channel-binding data by type (null when unavailable).</summary>
internal sealed record TlsState(Func<string, byte[]?> ChannelBinding);
