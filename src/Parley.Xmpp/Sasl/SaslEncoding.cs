using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Parley.Xmpp.Sasl;

/// <summary>The base64 text of SASL elements (RFC 6120 §6.4.2).</summary>
public static class SaslEncoding
{
    private static readonly SearchValues<char> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    /// <summary>
    /// Decodes the text of an auth, response, challenge or success element. "=" is the empty
    /// response (RFC 6120 §6.4.2); so is empty text, which the caller distinguishes itself when it
    /// matters. False for anything that is not canonical, padded base64 without whitespace, which
    /// the server answers with incorrect-encoding (RFC 6120 §6.5.2).
    /// </summary>
    public static bool TryDecode(string? text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (string.IsNullOrEmpty(text) || text == "=")
        {
            bytes = [];
            return true;
        }

        return TryDecodeBase64(text, out bytes);
    }

    /// <summary>Strict base64: padded, no whitespace, length a multiple of four, zero pad bits, possibly empty.</summary>
    internal static bool TryDecodeBase64(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.Length % 4 != 0 || text.ContainsAnyExcept(Alphabet))
        {
            return false;
        }

        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(text, buffer, out var written))
        {
            return false;
        }

        // RFC 4648 §3.5: the bits of the last character that carry no data must be zero; the
        // decoder ignores them, so without this check four texts would carry the same bytes
        // (found by fuzzing: "QR==" decoded as "QQ==" does).
        var tail = written % 3;
        if (tail != 0)
        {
            Span<char> canonical = stackalloc char[4];
            if (!Convert.TryToBase64Chars(buffer.AsSpan(written - tail, tail), canonical, out _) || !canonical.SequenceEqual(text[^4..]))
            {
                return false;
            }
        }

        bytes = written == buffer.Length ? buffer : buffer[..written];
        return true;
    }

    /// <summary>Encodes data for an element's text; empty data becomes "=" (RFC 6120 §6.4.2).</summary>
    public static string Encode(ReadOnlySpan<byte> data) => data.IsEmpty ? "=" : Convert.ToBase64String(data);
}
