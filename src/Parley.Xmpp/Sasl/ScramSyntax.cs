using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Parley.Xmpp.Sasl;

/// <summary>The message grammar of RFC 5802 §7, shared by the client and server roles.</summary>
internal static class ScramSyntax
{
    /// <summary>Strict UTF-8: SCRAM messages are UTF-8 (RFC 5802 §7), anything else is malformed.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryDecodeUtf8(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>
    /// Reads "<paramref name="name"/>=value" up to the next ',' (or the end) and moves past it.
    /// </summary>
    public static bool TryReadAttribute(ref ReadOnlySpan<char> rest, char name, out ReadOnlySpan<char> value)
    {
        value = default;
        if (rest.Length < 2 || rest[0] != name || rest[1] != '=')
        {
            return false;
        }

        var comma = rest.IndexOf(',');
        value = comma < 0 ? rest[2..] : rest[2..comma];
        rest = comma < 0 ? default : rest[(comma + 1)..];
        return true;
    }

    /// <summary>RFC 5802 §7 extensions: each further attribute must still look like "x=value".</summary>
    public static bool AreExtensions(ReadOnlySpan<char> rest)
    {
        foreach (var range in rest.Split(','))
        {
            var part = rest[range];
            if (part.Length < 2 || !char.IsAsciiLetter(part[0]) || part[1] != '=')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 5802 §7: nonce = 1*printable, printable = %x21-2B / %x2D-7E (no ',').</summary>
    public static bool IsNonce(ReadOnlySpan<char> value) => !value.IsEmpty && !value.ContainsAnyExcept(NonceChars);

    private static readonly SearchValues<char> NonceChars =
        SearchValues.Create("!\"#$%&'()*+-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>RFC 5802 §7: cb-name = 1*(ALPHA / DIGIT / "." / "-").</summary>
    public static bool IsChannelBindingName(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '.' and not '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 5802 §5.1: in a saslname "=2C" stands for ',' and "=3D" for '='; any other '=' is an error.</summary>
    public static bool TryDecodeSaslName(ReadOnlySpan<char> value, [NotNullWhen(true)] out string? name)
    {
        name = null;
        if (value.IsEmpty)
        {
            return false;
        }

        if (!value.Contains('='))
        {
            name = value.ToString();
            return true;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '=')
            {
                builder.Append(value[i]);
            }
            else if (value[(i + 1)..].StartsWith("2C"))
            {
                builder.Append(',');
                i += 2;
            }
            else if (value[(i + 1)..].StartsWith("3D"))
            {
                builder.Append('=');
                i += 2;
            }
            else
            {
                return false;
            }
        }

        name = builder.ToString();
        return true;
    }

    public static string EncodeSaslName(string name) =>
        name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);
}
