namespace Parley.Client;

/// <summary>Whether the client insists on TLS for the stream (RFC 6120 §5).</summary>
public enum TlsPolicy
{
    /// <summary>The stream must be encrypted: direct TLS, or STARTTLS which the server must offer. The default.</summary>
    Required,

    /// <summary>STARTTLS is used when the server offers it; otherwise the stream stays in the clear.</summary>
    Optional,

    /// <summary>STARTTLS is never attempted (tests of plaintext servers only). Ignored with direct TLS.</summary>
    Disabled,
}
