using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Parley.Xmpp.Addressing;

namespace Parley.Xmpp.Sasl;

/// <summary>
/// SCRAM in the server role (RFC 5802, RFC 7677), with or without channel binding (-PLUS).
/// Unknown users run the same exchange against a fake credential and fail only at the proof.
/// </summary>
internal sealed class ScramServer : SaslServerMechanism
{
    private readonly SaslServerContext _context;
    private readonly ScramHash _hash;
    private readonly bool _plus;
    private Stage _stage;

    // Kept from the client-first message for the final step.
    private string? _username;
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;
    private byte[]? _expectedBinding;
    private ScramCredential? _credential;
    private bool _userExists;

    public ScramServer(SaslServerContext context, ScramHash hash, bool plus)
    {
        _context = context;
        _hash = hash;
        _plus = plus;
    }

    private enum Stage
    {
        Start,
        AwaitingClientFirst,
        AwaitingClientFinal,
        Done,
    }

    public override string Name => (_hash, _plus) switch
    {
        (ScramHash.Sha1, false) => SaslMechanismNames.ScramSha1,
        (ScramHash.Sha1, true) => SaslMechanismNames.ScramSha1Plus,
        (_, false) => SaslMechanismNames.ScramSha256,
        _ => SaslMechanismNames.ScramSha256Plus,
    };

    public override async ValueTask<SaslServerStep> StepAsync(ReadOnlyMemory<byte> clientMessage, CancellationToken cancellationToken)
    {
        if (clientMessage.Length > MaxMessageBytes)
        {
            return Fail(SaslFailureCondition.MalformedRequest);
        }

        switch (_stage)
        {
            case Stage.Start when clientMessage.IsEmpty:
                // RFC 6120 §6.4.2: no initial response, so ask for it with an empty challenge (once).
                _stage = Stage.AwaitingClientFirst;
                return SaslServerStep.Challenge(ReadOnlyMemory<byte>.Empty);
            case Stage.Start or Stage.AwaitingClientFirst:
                return await ClientFirstAsync(clientMessage, cancellationToken).ConfigureAwait(false);
            case Stage.AwaitingClientFinal:
                return ClientFinal(clientMessage.Span);
            default:
                return Fail(SaslFailureCondition.MalformedRequest);
        }
    }

    private async ValueTask<SaslServerStep> ClientFirstAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (!ScramSyntax.TryDecodeUtf8(message.Span, out var text) || !TryParseClientFirst(text, out var first))
        {
            return Fail(SaslFailureCondition.MalformedRequest);
        }

        // RFC 5802 §6: 'p' only with -PLUS, and -PLUS only with 'p'.
        if (_plus != (first.Flag == 'p'))
        {
            return Fail(SaslFailureCondition.MalformedRequest);
        }

        // RFC 5802 §6: 'y' says the client could bind but saw no -PLUS offered; we offered it, so
        // something stripped it on the way (a downgrade).
        if (first.Flag == 'y' && _context.SupportsChannelBinding)
        {
            return Fail(SaslFailureCondition.NotAuthorized);
        }

        byte[] bindingData = [];
        if (first.Flag == 'p')
        {
            // RFC 5802 §7 would answer e=unsupported-channel-binding-type; RFC 6120 §6.5 has no
            // such condition, so it is not-authorized.
            if (_context.FindChannelBinding(first.BindingType!) is not { } data)
            {
                return Fail(SaslFailureCondition.NotAuthorized);
            }

            bindingData = data;
        }

        // RFC 6120 §6.3.7: the SCRAM username is the localpart, PRECIS-prepared (RFC 7622 §3.3).
        // A name that cannot be prepared cannot exist, so refusing it now reveals nothing.
        if (!Precis.TryPrepareUsername(first.Username, out var username))
        {
            return Fail(SaslFailureCondition.NotAuthorized);
        }

        if (first.Authzid is not null && !_context.IsOwnAuthzid(first.Authzid, username))
        {
            return Fail(SaslFailureCondition.InvalidAuthzid);
        }

        var credential = await _context.FindCredential(username, _hash, cancellationToken).ConfigureAwait(false);
        _userExists = credential is not null;
        _credential = credential ?? _context.FakeCredential(username, _hash);
        _username = username;
        _clientFirstBare = first.Bare;
        _nonce = first.Nonce + (_context.NonceFactory?.Invoke() ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));
        _serverFirst = string.Create(
            CultureInfo.InvariantCulture,
            $"r={_nonce},s={Convert.ToBase64String(_credential.Salt)},i={_credential.Iterations}");
        var header = Encoding.UTF8.GetBytes(first.Gs2Header);
        _expectedBinding = [.. header, .. bindingData];
        _stage = Stage.AwaitingClientFinal;
        return SaslServerStep.Challenge(Encoding.UTF8.GetBytes(_serverFirst));
    }

    private SaslServerStep ClientFinal(ReadOnlySpan<byte> message)
    {
        if (!ScramSyntax.TryDecodeUtf8(message, out var text))
        {
            return Fail(SaslFailureCondition.MalformedRequest);
        }

        // RFC 5802 §7: client-final-message = client-final-message-without-proof "," proof.
        var proofAt = text.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return Fail(SaslFailureCondition.MalformedRequest);
        }

        var withoutProof = text[..proofAt];
        var rest = withoutProof.AsSpan();
        if (!ScramSyntax.TryReadAttribute(ref rest, 'c', out var binding)
            || !ScramSyntax.TryReadAttribute(ref rest, 'r', out var nonce)
            || (!rest.IsEmpty && !ScramSyntax.AreExtensions(rest))
            || !SaslEncoding.TryDecodeBase64(binding, out var bindingBytes)
            || !SaslEncoding.TryDecodeBase64(text.AsSpan(proofAt + 3), out var proof)
            || proof.Length != ScramCrypto.OutputLength(_hash))
        {
            return Fail(SaslFailureCondition.MalformedRequest);
        }

        // RFC 5802 §6: c= must repeat the gs2 header and carry this channel's binding data. A
        // mismatch is refused before the proof is looked at, so it says nothing about the password.
        if (!CryptographicOperations.FixedTimeEquals(bindingBytes, _expectedBinding)
            || !nonce.SequenceEqual(_nonce))
        {
            return Fail(SaslFailureCondition.NotAuthorized);
        }

        var credential = _credential!;
        var authMessage = Encoding.UTF8.GetBytes(string.Concat(_clientFirstBare, ",", _serverFirst, ",", withoutProof));
        var clientSignature = ScramCrypto.Hmac(_hash, credential.StoredKey, authMessage);
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] ^= clientSignature[i];
        }

        // RFC 5802 §3: the proof is right when H(ClientProof XOR ClientSignature) == StoredKey.
        var proofMatches = CryptographicOperations.FixedTimeEquals(ScramCrypto.Hash(_hash, proof), credential.StoredKey);
        if (!proofMatches || !_userExists)
        {
            _stage = Stage.Done;
            return SaslServerStep.WrongCredential();
        }

        var serverSignature = ScramCrypto.Hmac(_hash, credential.ServerKey, authMessage);
        _stage = Stage.Done;
        return SaslServerStep.Success(Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)), _username!);
    }

    private SaslServerStep Fail(SaslFailureCondition condition)
    {
        _stage = Stage.Done;
        return SaslServerStep.Failure(condition);
    }

    /// <summary>RFC 5802 §7: gs2-header client-first-message-bare.</summary>
    private static bool TryParseClientFirst(string text, out ClientFirst first)
    {
        first = default;
        var rest = text.AsSpan();
        char flag;
        string? bindingType = null;
        if (rest.StartsWith("n,") || rest.StartsWith("y,"))
        {
            flag = rest[0];
            rest = rest[2..];
        }
        else if (ScramSyntax.TryReadAttribute(ref rest, 'p', out var name) && ScramSyntax.IsChannelBindingName(name))
        {
            flag = 'p';
            bindingType = name.ToString();
        }
        else
        {
            return false;
        }

        string? authzid = null;
        if (rest.StartsWith(","))
        {
            rest = rest[1..];
        }
        else if (!ScramSyntax.TryReadAttribute(ref rest, 'a', out var encodedAuthzid)
            || !ScramSyntax.TryDecodeSaslName(encodedAuthzid, out authzid))
        {
            return false;
        }

        var gs2Header = text[..(text.Length - rest.Length)];
        var bare = rest.ToString();

        // RFC 5802 §5.1: a mandatory extension (m=) that the server does not know fails the exchange.
        if (!ScramSyntax.TryReadAttribute(ref rest, 'n', out var encodedUser)
            || !ScramSyntax.TryDecodeSaslName(encodedUser, out var username)
            || !ScramSyntax.TryReadAttribute(ref rest, 'r', out var nonce)
            || !ScramSyntax.IsNonce(nonce)
            || (!rest.IsEmpty && !ScramSyntax.AreExtensions(rest)))
        {
            return false;
        }

        first = new ClientFirst(flag, bindingType, authzid, gs2Header, bare, username, nonce.ToString());
        return true;
    }

    private readonly record struct ClientFirst(
        char Flag, string? BindingType, string? Authzid, string Gs2Header, string Bare, string Username, string Nonce);
}
