using System.Diagnostics.CodeAnalysis;
using System.Text;
using Parley.Xmpp.Addressing;

namespace Parley.Xmpp.Sasl;

/// <summary>PLAIN in the client role (RFC 4616): [authzid] NUL authcid NUL password.</summary>
internal sealed class PlainClient : SaslClientMechanism
{
    private readonly string _authzid;
    private readonly string _username;
    private readonly string _password;

    public PlainClient(SaslClientContext context)
    {
        _authzid = context.Authzid ?? "";
        _username = Precis.PrepareUsername(context.Username);
        _password = Precis.PreparePassword(context.Password);
    }

    public override string Name => SaslMechanismNames.Plain;

    public override byte[] GetInitialResponse() => Encoding.UTF8.GetBytes(string.Concat(_authzid, "\0", _username, "\0", _password));

    /// <summary>PLAIN has no challenges: the initial response is always sent.</summary>
    public override bool TryRespond(ReadOnlySpan<byte> challenge, [NotNullWhen(true)] out byte[]? response)
    {
        response = null;
        return false;
    }

    /// <summary>RFC 4616 carries no additional data on success.</summary>
    public override bool VerifySuccess(ReadOnlySpan<byte> additionalData) => additionalData.IsEmpty;
}
