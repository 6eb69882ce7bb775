namespace Parley.Xmpp.Sasl;

/// <summary>Picks and creates the client's mechanism from the server's offer (RFC 6120 §6.3.3).</summary>
public static class SaslClientMechanisms
{
    /// <summary>
    /// The strongest mechanism both sides support, or null when none is acceptable: SCRAM -PLUS
    /// when the stream has channel-binding data of a type the server accepts, then SCRAM-SHA-256,
    /// SCRAM-SHA-1, and PLAIN only on an encrypted stream (unless allowed).
    /// </summary>
    public static SaslClientMechanism? Select(IReadOnlyCollection<string> offered, SaslClientContext context)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ArgumentNullException.ThrowIfNull(context);

        if (ChooseBinding(context) is var (type, data))
        {
            if (offered.Contains(SaslMechanismNames.ScramSha256Plus))
            {
                return new ScramClient(context, ScramHash.Sha256, 'p', type, data);
            }

            if (offered.Contains(SaslMechanismNames.ScramSha1Plus))
            {
                return new ScramClient(context, ScramHash.Sha1, 'p', type, data);
            }
        }

        // RFC 5802 §6: 'y' tells a server that does support binding that the client could have
        // bound but saw no -PLUS offered, so a stripped offer is caught. When -PLUS was offered
        // but no common type exists, 'n' is the honest flag.
        var offersPlus = offered.Contains(SaslMechanismNames.ScramSha256Plus) || offered.Contains(SaslMechanismNames.ScramSha1Plus);
        var flag = !offersPlus && CanBind(context) ? 'y' : 'n';
        if (offered.Contains(SaslMechanismNames.ScramSha256))
        {
            return new ScramClient(context, ScramHash.Sha256, flag, null, null);
        }

        if (offered.Contains(SaslMechanismNames.ScramSha1))
        {
            return new ScramClient(context, ScramHash.Sha1, flag, null, null);
        }

        if (offered.Contains(SaslMechanismNames.Plain) && (context.IsTlsActive || context.AllowPlainWithoutTls))
        {
            return new PlainClient(context);
        }

        return null;
    }

    /// <summary>
    /// EXTERNAL (RFC 4422 Appendix A) for a stream whose TLS client certificate authenticates us:
    /// only when the server offered it, so it is not part of <see cref="Select"/>'s choice.
    /// </summary>
    /// <param name="authzid">
    /// The identity to act as; between servers the sending domain (XEP-0178 §3 recommends sending
    /// it), or null to send the empty response "=" and let the server take it from the certificate.
    /// </param>
    public static SaslClientMechanism CreateExternal(string? authzid) => new ExternalClient(authzid);

    /// <summary>
    /// The binding to use: the most preferred supported type the server lists via XEP-0440, or,
    /// when it lists none, tls-server-end-point (RFC 5929 §4, defined for every TLS version), then
    /// tls-unique.
    /// </summary>
    private static (string Type, byte[] Data)? ChooseBinding(SaslClientContext context)
    {
        foreach (var type in ChannelBinding.SupportedTypes)
        {
            if ((context.ServerChannelBindingTypes.Count == 0 || context.ServerChannelBindingTypes.Contains(type))
                && FindBinding(context, type) is { } data)
            {
                return (type, data);
            }
        }

        return null;
    }

    private static bool CanBind(SaslClientContext context) =>
        ChannelBinding.SupportedTypes.Any(type => FindBinding(context, type) is not null);

    private static byte[]? FindBinding(SaslClientContext context, string type) =>
        context.IsTlsActive && context.ChannelBindingData is { } provider ? provider(type) : null;
}
