using System.Diagnostics.CodeAnalysis;

namespace Parley.Xmpp.Sasl;

/// <summary>
/// One authentication exchange in the client role (RFC 4422 §3, RFC 6120 §6.4). Single-use; all
/// data is raw bytes (the caller base64-encodes with <see cref="SaslEncoding"/>).
/// </summary>
public abstract class SaslClientMechanism
{
    /// <summary>The mechanism name for the &lt;auth mechanism=''/&gt; attribute.</summary>
    public abstract string Name { get; }

    /// <summary>The initial response sent inside &lt;auth/&gt; (RFC 6120 §6.4.2).</summary>
    public abstract byte[] GetInitialResponse();

    /// <summary>The response to a challenge; false when the challenge is malformed or fails verification (send &lt;abort/&gt;).</summary>
    public abstract bool TryRespond(ReadOnlySpan<byte> challenge, [NotNullWhen(true)] out byte[]? response);

    /// <summary>
    /// Checks the additional data of &lt;success/&gt;; false means the server did not prove it knows
    /// the credential (SCRAM's ServerSignature) and the client must not trust the stream.
    /// </summary>
    public abstract bool VerifySuccess(ReadOnlySpan<byte> additionalData);
}
