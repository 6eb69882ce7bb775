using System.Security.Cryptography;
using Parley.Xmpp.Addressing;

namespace Parley.Xmpp.Sasl;

/// <summary>
/// PLAIN in the server role (RFC 4616). Passwords are stored only as SCRAM keys, so the password
/// is run through the stored salt and iteration count and compared by StoredKey.
/// </summary>
internal sealed class PlainServer : SaslServerMechanism
{
    private readonly SaslServerContext _context;
    private bool _challenged;
    private bool _done;

    public PlainServer(SaslServerContext context) => _context = context;

    public override string Name => SaslMechanismNames.Plain;

    public override async ValueTask<SaslServerStep> StepAsync(ReadOnlyMemory<byte> clientMessage, CancellationToken cancellationToken)
    {
        if (_done)
        {
            return SaslServerStep.Failure(SaslFailureCondition.MalformedRequest);
        }

        if (clientMessage.IsEmpty && !_challenged)
        {
            // RFC 6120 §6.4.2: no initial response, so ask for it with an empty challenge (once).
            _challenged = true;
            return SaslServerStep.Challenge(ReadOnlyMemory<byte>.Empty);
        }

        _done = true;
        if (clientMessage.Length > MaxMessageBytes
            || !ScramSyntax.TryDecodeUtf8(clientMessage.Span, out var text)
            || text.Split('\0') is not [var authzid, var authcid, var password]
            || authcid.Length == 0
            || password.Length == 0)
        {
            return SaslServerStep.Failure(SaslFailureCondition.MalformedRequest);
        }

        // RFC 4616 §4 with RFC 8265: the authcid is a PRECIS username, the password OpaqueString.
        if (!Precis.TryPrepareUsername(authcid, out var username) || !Precis.TryPreparePassword(password, out var preparedPassword))
        {
            return SaslServerStep.Failure(SaslFailureCondition.NotAuthorized);
        }

        if (authzid.Length != 0 && !_context.IsOwnAuthzid(authzid, username))
        {
            return SaslServerStep.Failure(SaslFailureCondition.InvalidAuthzid);
        }

        // Accounts carry every hash; SHA-1 alone is there for accounts made before SHA-256 was. Both
        // are always looked up: stopping at a SHA-256 hit would make a known user one query faster
        // than an unknown one, a timing difference that tells which accounts exist.
        var sha256 = await _context.FindCredential(username, ScramHash.Sha256, cancellationToken).ConfigureAwait(false);
        var sha1 = await _context.FindCredential(username, ScramHash.Sha1, cancellationToken).ConfigureAwait(false);
        var credential = sha256 ?? sha1;
        var userExists = credential is not null;

        // An unknown user costs the same key derivation as a known one and fails the same way.
        credential ??= _context.FakeCredential(username, ScramHash.Sha256);
        var derived = ScramCredential.Derive(credential.Hash, preparedPassword, credential.Salt, credential.Iterations);
        if (!CryptographicOperations.FixedTimeEquals(derived.StoredKey, credential.StoredKey) || !userExists)
        {
            return SaslServerStep.WrongCredential();
        }

        return SaslServerStep.Success(ReadOnlyMemory<byte>.Empty, username);
    }
}
