namespace Parley.Server.Negotiation;

/// <summary>What the negotiator learns from a completed TLS handshake.</summary>
/// <param name="ChannelBindingTypes">Types in <see cref="ChannelBinding"/> can answer (tls-server-end-point; tls-unique on TLS 1.2).</param>
internal sealed record TlsState(IReadOnlyList<string> ChannelBindingTypes, Func<string, byte[]?> ChannelBinding)
{
    public static TlsState None { get; } = new([], static _ => null);
}
