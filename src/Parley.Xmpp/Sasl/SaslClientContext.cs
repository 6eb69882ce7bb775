namespace Parley.Xmpp.Sasl;

/// <summary>The client's credentials and what it knows about the stream when choosing a mechanism.</summary>
public sealed class SaslClientContext
{
    /// <summary>The account's localpart (RFC 6120 §6.3.7); prepared with PRECIS before use.</summary>
    public required string Username { get; init; }

    /// <summary>The password; prepared with PRECIS OpaqueString before use.</summary>
    public required string Password { get; init; }

    /// <summary>An authorization identity to request, normally none.</summary>
    public string? Authzid { get; init; }

    /// <summary>True once the stream is encrypted.</summary>
    public bool IsTlsActive { get; init; }

    /// <summary>Use PLAIN on an unencrypted stream (loopback tests only). Default false.</summary>
    public bool AllowPlainWithoutTls { get; init; }

    /// <summary>The stream's channel-binding data for a type (RFC 5929), null when unavailable.</summary>
    public Func<string, byte[]?>? ChannelBindingData { get; init; }

    /// <summary>The types the server listed in XEP-0440's &lt;sasl-channel-binding/&gt;; empty when it sent none.</summary>
    public IReadOnlyCollection<string> ServerChannelBindingTypes { get; init; } = [];

    /// <summary>Where SCRAM's salted password is kept between logins; null derives it on every login.</summary>
    public ScramSaltedPasswordCache? SaltedPasswords { get; init; }

    /// <summary>Test hook: the client nonce (RFC 5802 §5 vectors).</summary>
    internal string? Nonce { get; init; }
}
