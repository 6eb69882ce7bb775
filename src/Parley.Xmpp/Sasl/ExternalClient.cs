using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Parley.Xmpp.Sasl;

/// <summary>
/// EXTERNAL in the client role (RFC 4422 Appendix A): the message is the authorization identity
/// or nothing; the credential is the TLS certificate already presented.
/// </summary>
internal sealed class ExternalClient(string? authzid) : SaslClientMechanism
{
    private readonly byte[] _message = string.IsNullOrEmpty(authzid) ? [] : Encoding.UTF8.GetBytes(authzid);
    private bool _responded;

    public override string Name => SaslMechanismNames.External;

    /// <summary>Always sent as the initial response; empty becomes "=" on the wire (RFC 6120 §6.4.2).</summary>
    public override byte[] GetInitialResponse() => _message;

    /// <summary>
    /// A server that did not take the initial response sends one empty challenge (RFC 4422
    /// Appendix A: its challenge is empty); anything else is not EXTERNAL.
    /// </summary>
    public override bool TryRespond(ReadOnlySpan<byte> challenge, [NotNullWhen(true)] out byte[]? response)
    {
        response = null;
        if (!challenge.IsEmpty || _responded)
        {
            return false;
        }

        _responded = true;
        response = _message;
        return true;
    }

    /// <summary>EXTERNAL carries no additional data on success.</summary>
    public override bool VerifySuccess(ReadOnlySpan<byte> additionalData) => additionalData.IsEmpty;
}
