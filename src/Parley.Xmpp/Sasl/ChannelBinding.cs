namespace Parley.Xmpp.Sasl;

/// <summary>
/// Channel-binding types (RFC 5929) Parley can use with SCRAM -PLUS, in order of preference.
/// </summary>
/// <remarks>
/// tls-exporter (RFC 9266), the type meant for TLS 1.3, is absent on purpose: .NET exposes no
/// keying-material exporter on SslStream (dotnet/runtime#112529). tls-unique is undefined on
/// TLS 1.3, so a provider returns no data for it there.
/// </remarks>
public static class ChannelBinding
{
    public const string TlsServerEndPoint = "tls-server-end-point";
    public const string TlsUnique = "tls-unique";

    /// <summary>The supported types, most preferred first: the end-point binding works on every TLS version.</summary>
    public static IReadOnlyList<string> SupportedTypes { get; } = [TlsServerEndPoint, TlsUnique];
}
