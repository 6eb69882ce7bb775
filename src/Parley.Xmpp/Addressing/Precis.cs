using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Parley.Xmpp.Addressing;

/// <summary>
/// PRECIS preparation and enforcement (RFC 8264, RFC 8265) for the parts of an XMPP address
/// (RFC 7622) and for passwords. Every method returns the prepared form or reports the input
/// as invalid; an already-prepared ASCII string comes back as the same instance without
/// allocating, because JIDs are prepared on the routing path.
/// </summary>
/// <remarks>
/// The PRECIS string classes are derived from Unicode properties the BCL does not expose
/// (decomposition types, Default_Ignorable_Code_Point, Bidi classes). They are approximated with
/// <see cref="UnicodeCategory"/> and NFKC:
/// IdentifierClass (RFC 8264 §4.2) allows ASCII 0x21–0x7E and, beyond ASCII, letters and digits
/// (Ll, Lu, Lo, Lm, Nd, Mn, Mc) that have no compatibility decomposition (HasCompat, §9.17);
/// FreeformClass (§4.3) allows every assigned code point except controls, format characters,
/// private use, surrogates, line/paragraph separators and noncharacters.
/// The contextual rules (CONTEXTJ/CONTEXTO, §9.10–9.11) are not evaluated: the joiners are
/// refused in identifiers (they are format characters) and the CONTEXTO punctuation is refused
/// too. The Bidi Rule (RFC 8265 §3.3.3 step 4) is not checked.
/// </remarks>
public static class Precis
{
    /// <summary>RFC 7622 §3.1: each part of a JID is at most 1023 octets of UTF-8.</summary>
    public const int MaxPartBytes = 1023;

    /// <summary>RFC 1035 §2.3.4 / RFC 5890: a DNS label is at most 63 octets.</summary>
    private const int MaxLabelBytes = 63;

    // Already-prepared localparts: ASCII lowercase, digits and the IdentifierClass punctuation
    // minus RFC 7622 §3.3.1's exclusions (" & ' / : < > @).
    private static readonly SearchValues<char> PreparedLocal =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789!#$%()*+,-.;=?[\\]^_`{|}~");

    // ASCII localpart characters that need only lowercasing.
    private static readonly SearchValues<char> AsciiLocal =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%()*+,-.;=?[\\]^_`{|}~");

    private static readonly SearchValues<char> LocalExclusions = SearchValues.Create("\"&'/:<>@");

    private static readonly SearchValues<char> PreparedDomain = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-.");

    public static string PrepareUsername(string value) =>
        TryPrepareUsername(value, out var prepared) ? prepared : throw Invalid("username");

    public static string PrepareResource(string value) =>
        TryPrepareResource(value, out var prepared) ? prepared : throw Invalid("resource");

    public static string PreparePassword(string value) =>
        TryPreparePassword(value, out var prepared) ? prepared : throw Invalid("password");

    public static string PrepareDomain(string value) =>
        TryPrepareDomain(value, out var prepared) ? prepared : throw Invalid("domain");

    /// <summary>True when <paramref name="value"/> is a localpart that preparation returns unchanged (ASCII fast path).</summary>
    internal static bool IsPreparedAsciiUsername(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= MaxPartBytes && !value.ContainsAnyExcept(PreparedLocal);

    /// <summary>True when <paramref name="value"/> is a resourcepart or password that preparation returns unchanged.</summary>
    internal static bool IsPreparedAsciiOpaque(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= MaxPartBytes && !value.ContainsAnyExceptInRange(' ', '~');

    /// <summary>
    /// UsernameCaseMapped (RFC 8265 §3.3) plus RFC 7622 §3.3.1's exclusions: width mapping,
    /// lowercasing, NFC, then IdentifierClass validation.
    /// </summary>
    public static bool TryPrepareUsername(string? value, [NotNullWhen(true)] out string? prepared)
    {
        prepared = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (IsPreparedAsciiUsername(value))
        {
            prepared = value;
            return true;
        }

        string mapped;
        if (!value.AsSpan().ContainsAnyExcept(AsciiLocal))
        {
            mapped = value.ToLowerInvariant();
        }
        else
        {
            if (!IsWellFormed(value))
            {
                return false;
            }

            // RFC 8265 §3.3.2: width mapping, then case mapping, then NFC.
            mapped = MapWidth(value).ToLowerInvariant();
            if (!mapped.IsNormalized(NormalizationForm.FormC))
            {
                mapped = mapped.Normalize(NormalizationForm.FormC);
            }

            if (!IsIdentifierClass(mapped))
            {
                return false;
            }
        }

        if (mapped.Length == 0 || mapped.AsSpan().ContainsAny(LocalExclusions) || Encoding.UTF8.GetByteCount(mapped) > MaxPartBytes)
        {
            return false;
        }

        prepared = mapped;
        return true;
    }

    /// <summary>OpaqueString (RFC 8265 §4.2) for a resourcepart (RFC 7622 §3.4).</summary>
    public static bool TryPrepareResource(string? value, [NotNullWhen(true)] out string? prepared) =>
        TryPrepareOpaque(value, out prepared);

    /// <summary>OpaqueString (RFC 8265 §4.2) for a password (RFC 8265 §4.1).</summary>
    public static bool TryPreparePassword(string? value, [NotNullWhen(true)] out string? prepared) =>
        TryPrepareOpaque(value, out prepared);

    /// <summary>
    /// A domainpart (RFC 7622 §3.2): one trailing dot removed, IP literals kept, everything else
    /// through IDNA2008/UTS #46 with STD3 rules and returned as a lowercase U-label name.
    /// </summary>
    public static bool TryPrepareDomain(string? value, [NotNullWhen(true)] out string? prepared)
    {
        prepared = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        // RFC 7622 §3.2: a single trailing dot is stripped before any other processing.
        var name = value[^1] == '.' ? value[..^1] : value;
        if (name.Length == 0)
        {
            return false;
        }

        if (IsPreparedAsciiDomain(name))
        {
            prepared = name;
            return true;
        }

        if (name[0] == '[')
        {
            // RFC 7622 §3.2: an IPv6 address in brackets (RFC 3986 IP-literal) is kept as is.
            if (name[^1] == ']' && IPAddress.TryParse(name.AsSpan(1, name.Length - 2), out var address)
                && address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                prepared = name;
                return true;
            }

            return false;
        }

        if (!name.AsSpan().ContainsAnyExcept(AsciiDomainCase))
        {
            var lower = name.ToLowerInvariant();
            if (IsPreparedAsciiDomain(lower))
            {
                prepared = lower;
                return true;
            }
        }

        return TryIdna(name, out prepared);
    }

    private static readonly SearchValues<char> AsciiDomainCase =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.");

    /// <summary>
    /// An LDH name that IDNA would return unchanged: lowercase, labels of 1..63 characters that
    /// neither start nor end with a hyphen and carry no hyphens in positions 3–4 (which would make
    /// them A-labels or reserved). Dotted IPv4 addresses pass as well, which RFC 7622 §3.2 keeps.
    /// </summary>
    internal static bool IsPreparedAsciiDomain(ReadOnlySpan<char> name)
    {
        if (name.Length > MaxPartBytes || name.ContainsAnyExcept(PreparedDomain))
        {
            return false;
        }

        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.Length is 0 or > MaxLabelBytes || label[0] == '-' || label[^1] == '-'
                || (label.Length >= 4 && label[2] == '-' && label[3] == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryIdna(string name, [NotNullWhen(true)] out string? prepared)
    {
        prepared = null;
        // One instance per call: IdnMapping's instance members are not documented as thread-safe,
        // and this path only runs for non-ASCII or A-label names.
        var idn = new IdnMapping { UseStd3AsciiRules = true, AllowUnassigned = false };
        string ascii;
        string unicode;
        try
        {
            ascii = idn.GetAscii(name);
            unicode = idn.GetUnicode(ascii).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }

        foreach (var range in ascii.AsSpan().Split('.'))
        {
            if (ascii.AsSpan()[range].Length is 0 or > MaxLabelBytes)
            {
                return false;
            }
        }

        if (Encoding.UTF8.GetByteCount(unicode) > MaxPartBytes)
        {
            return false;
        }

        prepared = unicode;
        return true;
    }

    private static bool TryPrepareOpaque(string? value, [NotNullWhen(true)] out string? prepared)
    {
        prepared = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        // Printable ASCII (spaces included) is already OpaqueString-prepared.
        if (IsPreparedAsciiOpaque(value))
        {
            prepared = value;
            return true;
        }

        if (!IsWellFormed(value))
        {
            return false;
        }

        // RFC 8265 §4.2.2: non-ASCII spaces map to U+0020, no case or width mapping, then NFC.
        var mapped = MapNonAsciiSpaces(value);
        if (!mapped.IsNormalized(NormalizationForm.FormC))
        {
            mapped = mapped.Normalize(NormalizationForm.FormC);
        }

        if (!IsFreeformClass(mapped) || Encoding.UTF8.GetByteCount(mapped) > MaxPartBytes)
        {
            return false;
        }

        prepared = mapped;
        return true;
    }

    /// <summary>
    /// RFC 8265 §3.3.2 step 1: fullwidth and halfwidth characters map to their decomposition
    /// mappings. The &lt;wide&gt; and &lt;narrow&gt; decompositions are exactly U+3000 and the
    /// Halfwidth and Fullwidth Forms block (U+FF01–U+FFEE), so NFKC of those characters alone is
    /// their width mapping.
    /// </summary>
    private static string MapWidth(string value)
    {
        if (!value.AsSpan().ContainsAnyInRange('\uFF01', '\uFFEE') && !value.Contains('\u3000', StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '\u3000' or (>= '\uFF01' and <= '\uFFEE'))
            {
                builder.Append(c.ToString().Normalize(NormalizationForm.FormKC));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string MapNonAsciiSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c != ' ' && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator ? ' ' : c);
        }

        return builder.ToString();
    }

    /// <summary>RFC 8264 §4.2 IdentifierClass, approximated as described on the class.</summary>
    private static bool IsIdentifierClass(string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value is >= 0x21 and <= 0x7E)
            {
                continue;
            }

            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.UppercaseLetter:
                case UnicodeCategory.OtherLetter:
                case UnicodeCategory.ModifierLetter:
                case UnicodeCategory.DecimalDigitNumber:
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.SpacingCombiningMark:
                    if (HasCompat(rune) || IsOldHangulJamo(rune))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>RFC 8264 §4.3 FreeformClass, approximated as described on the class.</summary>
    private static bool IsFreeformClass(string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            if (IsNoncharacter(rune) || IsOldHangulJamo(rune))
            {
                return false;
            }

            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Lone surrogates are not code points at all (and would make normalization throw), so they
    /// are refused before any mapping.
    /// </summary>
    private static bool IsWellFormed(string value)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var consumed) != OperationStatus.Done)
            {
                return false;
            }

            rest = rest[consumed..];
        }

        return true;
    }

    /// <summary>RFC 8264 §9.17: a code point whose NFKC form differs from itself.</summary>
    private static bool HasCompat(Rune rune)
    {
        Span<char> buffer = stackalloc char[2];
        var length = rune.EncodeToUtf16(buffer);
        return !buffer[..length].IsNormalized(NormalizationForm.FormKC);
    }

    /// <summary>RFC 8264 §9.9: conjoining jamo (Hangul_Syllable_Type L, V, T) are disallowed.</summary>
    private static bool IsOldHangulJamo(Rune rune) =>
        rune.Value is (>= 0x1100 and <= 0x11FF) or (>= 0xA960 and <= 0xA97F) or (>= 0xD7B0 and <= 0xD7FF);

    /// <summary>RFC 8264 §9.12 (PrecisIgnorableProperties): Noncharacter_Code_Point is disallowed.</summary>
    private static bool IsNoncharacter(Rune rune) =>
        rune.Value is >= 0xFDD0 and <= 0xFDEF || (rune.Value & 0xFFFE) == 0xFFFE;

    private static FormatException Invalid(string part) =>
        new($"The {part} is not valid under its PRECIS profile (RFC 8265, RFC 7622).");
}
