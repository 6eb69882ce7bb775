namespace Parley.Xmpp.Sasl;

/// <summary>The SASL mechanism names Parley implements, as registered with IANA.</summary>
public static class SaslMechanismNames
{
    public const string ScramSha256Plus = "SCRAM-SHA-256-PLUS";
    public const string ScramSha1Plus = "SCRAM-SHA-1-PLUS";
    public const string ScramSha256 = "SCRAM-SHA-256";
    public const string ScramSha1 = "SCRAM-SHA-1";
    public const string Plain = "PLAIN";

    /// <summary>RFC 4422 Appendix A: authentication by the lower layer (a TLS certificate), RFC 6120 §6.4 and XEP-0178.</summary>
    public const string External = "EXTERNAL";
}
