namespace Parley.Xmpp.Sasl;

/// <summary>The server's mechanism list and factory for one stream (RFC 6120 §6.4.1).</summary>
public static class SaslServerMechanisms
{
    /// <summary>
    /// The mechanisms to advertise, strongest first: the -PLUS variants only when the stream has
    /// channel-binding data, PLAIN only on an encrypted stream (RFC 6120 §6.4.1) unless allowed.
    /// </summary>
    public static IReadOnlyList<string> Advertised(SaslServerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var names = new List<string>(5);
        if (context.SupportsChannelBinding)
        {
            names.Add(SaslMechanismNames.ScramSha256Plus);
            names.Add(SaslMechanismNames.ScramSha1Plus);
        }

        names.Add(SaslMechanismNames.ScramSha256);
        names.Add(SaslMechanismNames.ScramSha1);
        if (context.IsTlsActive || context.AllowPlainWithoutTls)
        {
            names.Add(SaslMechanismNames.Plain);
        }

        return names;
    }

    /// <summary>
    /// The channel-binding types to list in XEP-0440's &lt;sasl-channel-binding/&gt; feature: those
    /// the stream can actually produce data for.
    /// </summary>
    public static IReadOnlyList<string> ChannelBindingTypes(SaslServerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return [.. ChannelBinding.SupportedTypes.Where(type => context.FindChannelBinding(type) is not null)];
    }

    /// <summary>
    /// A fresh exchange for a mechanism the client chose; null when the name is unknown or not
    /// advertised on this stream (answer invalid-mechanism, RFC 6120 §6.5.5).
    /// </summary>
    public static SaslServerMechanism? Create(string? name, SaslServerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (name is null || !Advertised(context).Contains(name))
        {
            return null;
        }

        return name switch
        {
            SaslMechanismNames.ScramSha256Plus => new ScramServer(context, ScramHash.Sha256, plus: true),
            SaslMechanismNames.ScramSha1Plus => new ScramServer(context, ScramHash.Sha1, plus: true),
            SaslMechanismNames.ScramSha256 => new ScramServer(context, ScramHash.Sha256, plus: false),
            SaslMechanismNames.ScramSha1 => new ScramServer(context, ScramHash.Sha1, plus: false),
            _ => new PlainServer(context),
        };
    }

    /// <summary>
    /// A fresh EXTERNAL exchange (RFC 4422 Appendix A) for a stream whose peer the lower layer has
    /// already authenticated, e.g. by a TLS certificate the server judged valid. It is not in
    /// <see cref="Advertised"/>: the stream offers it only when a certificate was presented and,
    /// between servers, validated (XEP-0178 §3, RFC 7590).
    /// </summary>
    /// <param name="authorize">
    /// Given the authorization identity the peer requested (null when it sent none: empty, or "="),
    /// returns the identity it is authorized as, or null to refuse. Between servers the identity is
    /// a domain: the requested one, or the stream's `from` when none was requested, and the
    /// certificate must be valid for it (RFC 6120 §6.4.6, XEP-0178 §3).
    /// </param>
    public static SaslServerMechanism CreateExternal(Func<string?, string?> authorize)
    {
        ArgumentNullException.ThrowIfNull(authorize);
        return new ExternalServer(authorize);
    }
}
