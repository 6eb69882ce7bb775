using System.Security.Cryptography;
using System.Text;

namespace Parley.Server.Federation;

/// <summary>
/// XEP-0185 §2 dialback keys: HMAC-SHA256 keyed with the hex SHA-256 of the server secret, over
/// "receiving originating stream-id". The authoritative server recomputes the key from the same
/// inputs to answer db:verify, so no state is kept per key, and a secret that survives restarts
/// (<see cref="Hosting.ServerSecret"/>) keeps keys issued before a restart verifiable.
/// </summary>
internal static class DialbackKey
{
    public static string Generate(ReadOnlySpan<byte> secret, string receiving, string originating, string streamId)
    {
        // XEP-0185 §2 (and its §3 example): the HMAC key is SHA256(secret) as lowercase hex text.
        var key = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(secret)));
        var data = Encoding.UTF8.GetBytes($"{receiving} {originating} {streamId}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, data));
    }

    /// <summary>Compares a presented key with the expected one in fixed time (XEP-0185 §2: keys must not be guessable).</summary>
    public static bool Matches(ReadOnlySpan<byte> secret, string receiving, string originating, string streamId, string presented)
    {
        var expected = Encoding.ASCII.GetBytes(Generate(secret, receiving, originating, streamId));
        var actual = Encoding.UTF8.GetBytes(presented.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
