using System.Security.Cryptography;

namespace Parley.Xmpp.Sasl;

/// <summary>
/// What a server keeps of a password for one SCRAM hash (RFC 5802 §3): the salt, the iteration
/// count, StoredKey and ServerKey. The password itself cannot be recovered from it.
/// </summary>
public sealed record ScramCredential(ScramHash Hash, byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey)
{
    /// <summary>RFC 7677 §4 asks for at least 4096 iterations.</summary>
    public const int DefaultIterations = 4096;

    /// <summary>Derives the stored form of a password that has already been prepared (PRECIS OpaqueString).</summary>
    public static ScramCredential Derive(ScramHash hash, string preparedPassword, byte[]? salt = null, int iterations = DefaultIterations)
    {
        salt ??= RandomNumberGenerator.GetBytes(16);
        var saltedPassword = ScramCrypto.SaltedPassword(hash, preparedPassword, salt, iterations);
        var clientKey = ScramCrypto.Hmac(hash, saltedPassword, "Client Key"u8);
        var storedKey = ScramCrypto.Hash(hash, clientKey);
        var serverKey = ScramCrypto.Hmac(hash, saltedPassword, "Server Key"u8);
        return new ScramCredential(hash, salt, iterations, storedKey, serverKey);
    }
}
