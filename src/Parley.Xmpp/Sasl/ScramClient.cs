using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Parley.Xmpp.Addressing;

namespace Parley.Xmpp.Sasl;

/// <summary>SCRAM in the client role (RFC 5802, RFC 7677), with or without channel binding.</summary>
internal sealed class ScramClient : SaslClientMechanism
{
    /// <summary>A hostile server could ask for any iteration count; more than this is refused rather than computed.</summary>
    private const int MaxIterations = 1_000_000;

    private readonly ScramHash _hash;
    private readonly char _flag;
    private readonly string _password;
    private readonly string _gs2Header;
    private readonly byte[] _binding;
    private readonly string _clientFirstBare;
    private readonly string _nonce;
    private readonly ScramSaltedPasswordCache? _saltedPasswords;
    private byte[]? _serverSignature;
    private Stage _stage;

    /// <param name="flag">The gs2 channel-binding flag: 'p' (with a type and data), 'y' or 'n' (RFC 5802 §7).</param>
    public ScramClient(SaslClientContext context, ScramHash hash, char flag, string? bindingType, byte[]? bindingData)
    {
        _hash = hash;
        _flag = flag;
        _password = Precis.PreparePassword(context.Password);
        _saltedPasswords = context.SaltedPasswords;
        _nonce = context.Nonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var username = Precis.PrepareUsername(context.Username);
        var authzid = context.Authzid is null ? "" : "a=" + ScramSyntax.EncodeSaslName(context.Authzid);
        _gs2Header = (flag == 'p' ? "p=" + bindingType : flag.ToString()) + "," + authzid + ",";
        _binding = [.. Encoding.UTF8.GetBytes(_gs2Header), .. bindingData ?? []];
        _clientFirstBare = "n=" + ScramSyntax.EncodeSaslName(username) + ",r=" + _nonce;
    }

    private enum Stage
    {
        Start,
        AwaitingServerFirst,
        AwaitingServerFinal,
        Verified,
        Failed,
    }

    public override string Name => (_hash, _flag == 'p') switch
    {
        (ScramHash.Sha1, false) => SaslMechanismNames.ScramSha1,
        (ScramHash.Sha1, true) => SaslMechanismNames.ScramSha1Plus,
        (_, false) => SaslMechanismNames.ScramSha256,
        _ => SaslMechanismNames.ScramSha256Plus,
    };

    public override byte[] GetInitialResponse()
    {
        _stage = Stage.AwaitingServerFirst;
        return Encoding.UTF8.GetBytes(_gs2Header + _clientFirstBare);
    }

    public override bool TryRespond(ReadOnlySpan<byte> challenge, [NotNullWhen(true)] out byte[]? response)
    {
        response = null;
        switch (_stage)
        {
            case Stage.AwaitingServerFirst when TryClientFinal(challenge, out var final):
                _stage = Stage.AwaitingServerFinal;
                response = final;
                return true;
            case Stage.AwaitingServerFinal when IsServerFinal(challenge):
                // Some servers send server-final as a challenge; the answer is an empty response.
                _stage = Stage.Verified;
                response = [];
                return true;
            default:
                _stage = Stage.Failed;
                return false;
        }
    }

    public override bool VerifySuccess(ReadOnlySpan<byte> additionalData)
    {
        var verified = _stage switch
        {
            Stage.AwaitingServerFinal => IsServerFinal(additionalData),
            Stage.Verified => additionalData.IsEmpty,
            _ => false,
        };
        _stage = verified ? Stage.Verified : Stage.Failed;
        return verified;
    }

    /// <summary>Reads server-first (RFC 5802 §7) and builds client-final with the proof.</summary>
    private bool TryClientFinal(ReadOnlySpan<byte> challenge, [NotNullWhen(true)] out byte[]? final)
    {
        final = null;
        if (!ScramSyntax.TryDecodeUtf8(challenge, out var serverFirst))
        {
            return false;
        }

        var rest = serverFirst.AsSpan();
        if (!ScramSyntax.TryReadAttribute(ref rest, 'r', out var nonce)
            || !ScramSyntax.TryReadAttribute(ref rest, 's', out var saltText)
            || !ScramSyntax.TryReadAttribute(ref rest, 'i', out var iterationText)
            || (!rest.IsEmpty && !ScramSyntax.AreExtensions(rest))
            || !ScramSyntax.IsNonce(nonce)
            // RFC 5802 §5.1: the server's nonce extends the client's and must add to it.
            || nonce.Length <= _nonce.Length
            || !nonce.StartsWith(_nonce)
            || !SaslEncoding.TryDecodeBase64(saltText, out var salt)
            || salt.Length == 0
            || !int.TryParse(iterationText, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        var withoutProof = "c=" + Convert.ToBase64String(_binding) + ",r=" + nonce.ToString();
        var authMessage = Encoding.UTF8.GetBytes(string.Concat(_clientFirstBare, ",", serverFirst, ",", withoutProof));
        var saltedPassword = _saltedPasswords?.GetOrDerive(_hash, _password, salt, iterations)
            ?? ScramCrypto.SaltedPassword(_hash, _password, salt, iterations);
        var clientKey = ScramCrypto.Hmac(_hash, saltedPassword, "Client Key"u8);
        var storedKey = ScramCrypto.Hash(_hash, clientKey);
        var clientSignature = ScramCrypto.Hmac(_hash, storedKey, authMessage);
        for (var i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= clientSignature[i];
        }

        var serverKey = ScramCrypto.Hmac(_hash, saltedPassword, "Server Key"u8);
        _serverSignature = ScramCrypto.Hmac(_hash, serverKey, authMessage);
        final = Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(clientKey));
        return true;
    }

    /// <summary>RFC 5802 §7: server-final = "v=" ServerSignature (an "e=" error is a failure).</summary>
    private bool IsServerFinal(ReadOnlySpan<byte> data)
    {
        if (!ScramSyntax.TryDecodeUtf8(data, out var text))
        {
            return false;
        }

        var rest = text.AsSpan();
        return ScramSyntax.TryReadAttribute(ref rest, 'v', out var signatureText)
            && SaslEncoding.TryDecodeBase64(signatureText, out var signature)
            && CryptographicOperations.FixedTimeEquals(signature, _serverSignature);
    }
}
