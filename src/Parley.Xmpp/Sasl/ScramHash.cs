namespace Parley.Xmpp.Sasl;

/// <summary>The hash functions of the SCRAM family Parley supports (RFC 5802, RFC 7677).</summary>
public enum ScramHash
{
    Sha1,
    Sha256,
}
