using System.Security.Cryptography;
using System.Text;

namespace Parley.Server.Components;

/// <summary>XEP-0114 §3: the handshake proves the shared secret as hex(SHA-1(stream id + secret)).</summary>
internal static class ComponentHandshake
{
    public static string Expected(string streamId, string secret) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(streamId + secret)));

    /// <summary>
    /// Compares in constant time, so the answer's timing tells nothing about how much of a guess was
    /// right; hex digits are compared case-insensitively, as components write either case.
    /// </summary>
    public static bool Matches(string streamId, string secret, string answer)
    {
        var expected = Encoding.ASCII.GetBytes(Expected(streamId, secret));
        var given = Encoding.UTF8.GetBytes(answer.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
