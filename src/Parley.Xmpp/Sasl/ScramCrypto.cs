using System.Security.Cryptography;
using System.Text;

namespace Parley.Xmpp.Sasl;

/// <summary>The SCRAM primitives of RFC 5802 §2.2 (Hi, HMAC, H) for each supported hash.</summary>
public static class ScramCrypto
{
    public static HashAlgorithmName AlgorithmName(ScramHash hash) => hash switch
    {
        ScramHash.Sha1 => HashAlgorithmName.SHA1,
        ScramHash.Sha256 => HashAlgorithmName.SHA256,
        _ => throw new ArgumentOutOfRangeException(nameof(hash)),
    };

    public static int OutputLength(ScramHash hash) => hash == ScramHash.Sha1 ? 20 : 32;

    /// <summary>Hi(password, salt, i) — PBKDF2 with HMAC of the hash, one block.</summary>
    public static byte[] SaltedPassword(ScramHash hash, string preparedPassword, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(preparedPassword), salt, iterations, AlgorithmName(hash), OutputLength(hash));

    public static byte[] Hmac(ScramHash hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => hash switch
    {
        ScramHash.Sha1 => HMACSHA1.HashData(key, data),
        _ => HMACSHA256.HashData(key, data),
    };

    public static byte[] Hash(ScramHash hash, ReadOnlySpan<byte> data) => hash switch
    {
        ScramHash.Sha1 => SHA1.HashData(data),
        _ => SHA256.HashData(data),
    };
}
