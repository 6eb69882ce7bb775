using System.Security.Cryptography;
using System.Text;
using Parley.Xmpp.Addressing;

namespace Parley.Xmpp.Sasl;

/// <summary>
/// What the server-side mechanisms need to know about one stream: where credentials come from,
/// the TLS state and channel-binding data, and the secret that keeps unknown users
/// indistinguishable from known ones.
/// </summary>
public sealed class SaslServerContext
{
    /// <summary>
    /// Finds the stored credential of a prepared username (localpart) for one hash; null when the
    /// user or that hash is unknown.
    /// </summary>
    public required Func<string, ScramHash, CancellationToken, ValueTask<ScramCredential?>> FindCredential { get; init; }

    /// <summary>
    /// A server-wide secret (at least 16 random bytes, stable across restarts) from which fake
    /// salts for unknown users are derived, so repeated probes see the same salt (RFC 5802 §9).
    /// </summary>
    public required byte[] Secret { get; init; }

    /// <summary>True once the stream is encrypted (STARTTLS or direct TLS).</summary>
    public bool IsTlsActive { get; init; }

    /// <summary>Offer PLAIN on an unencrypted stream (loopback tests only). Default false.</summary>
    public bool AllowPlainWithoutTls { get; init; }

    /// <summary>
    /// The channel-binding data of the stream for a type of <see cref="ChannelBinding.SupportedTypes"/>
    /// (RFC 5929), or null when the type is unavailable (e.g. tls-unique on TLS 1.3).
    /// </summary>
    public Func<string, byte[]?>? ChannelBindingData { get; init; }

    /// <summary>The iteration count shown for unknown users; match what accounts are created with.</summary>
    public int FakeIterations { get; init; } = ScramCredential.DefaultIterations;

    /// <summary>The domain the stream is for; when set, a bare-JID authzid must name it.</summary>
    public string? Domain { get; init; }

    /// <summary>Test hook: the server part of the SCRAM nonce (RFC 5802 §5.1 vectors).</summary>
    internal Func<string>? NonceFactory { get; init; }

    /// <summary>The channel-binding data for a type, or null when not on TLS or not available.</summary>
    internal byte[]? FindChannelBinding(string type) =>
        IsTlsActive && ChannelBindingData is { } provider && ChannelBinding.SupportedTypes.Contains(type) ? provider(type) : null;

    /// <summary>Whether any channel binding is available, i.e. whether -PLUS mechanisms are offered.</summary>
    internal bool SupportsChannelBinding => ChannelBinding.SupportedTypes.Any(type => FindChannelBinding(type) is not null);

    /// <summary>
    /// RFC 6120 §6.3.8: Parley does not let one user act for another, so an authorization identity
    /// is accepted only when it names the authenticated user, as a localpart or as a bare JID.
    /// </summary>
    internal bool IsOwnAuthzid(string authzid, string username)
    {
        if (Precis.TryPrepareUsername(authzid, out var local) && local == username)
        {
            return true;
        }

        return Jid.TryParse(authzid, out var jid)
            && jid.IsBare
            && jid.Local == username
            && (Domain is null || (Precis.TryPrepareDomain(Domain, out var domain) && jid.Domain == domain));
    }

    /// <summary>
    /// RFC 5802 §9: an unknown user gets a credential that looks real — a salt derived from the
    /// secret and the name (the same on every attempt), the usual iteration count — and keys no
    /// proof can match, so the exchange fails only where a wrong password would.
    /// </summary>
    internal ScramCredential FakeCredential(string username, ScramHash hash)
    {
        var label = Encoding.UTF8.GetBytes(hash + "\0" + username);
        var salt = HMACSHA256.HashData(Secret, label)[..16];
        var length = ScramCrypto.OutputLength(hash);
        return new ScramCredential(hash, salt, FakeIterations, RandomNumberGenerator.GetBytes(length), RandomNumberGenerator.GetBytes(length));
    }
}
