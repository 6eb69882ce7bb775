using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
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
public static partial class Precis
{
    /// <summary>RFC 7622 §3.1: each part of a JID is at most 1023 octets of UTF-8.</summary>
    public const int MaxPartBytes = 1023;

    // Already-prepared localparts: ASCII lowercase, digits and the IdentifierClass punctuation
    // minus RFC 7622 §3.3.1's exclusions (" & ' / : < > @).
    private static readonly SearchValues<char> PreparedLocal =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789!#$%()*+,-.;=?[\\]^_`{|}~");

    // ASCII localpart characters that need only lowercasing.
    private static readonly SearchValues<char> AsciiLocal =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%()*+,-.;=?[\\]^_`{|}~");

    private static readonly SearchValues<char> LocalExclusions = SearchValues.Create("\"&'/:<>@");

    // Printable ASCII, spaces included: already OpaqueString-prepared. (SearchValues rather than
    // ContainsAnyExceptInRange, which allocates on every call in .NET 10.)
    private static readonly SearchValues<char> PrintableAscii = SearchValues.Create(Range('\x20', '\x7E'));

    // Characters with <wide> or <narrow> decompositions (see MapWidth).
    private static readonly SearchValues<char> WidthMapped = SearchValues.Create("\u3000" + Range('\uFF01', '\uFFEE'));

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
        value.Length is > 0 and <= MaxPartBytes && !value.ContainsAnyExcept(PrintableAscii);

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
        if (!value.AsSpan().ContainsAny(WidthMapped))
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
    /// Lone surrogates are not code points at all and noncharacters are disallowed by every PRECIS
    /// class (RFC 8264 §9.12); both would make normalization throw (.NET refuses U+FFFE as well as
    /// lone surrogates; found by fuzzing), so they are refused before any mapping.
    /// </summary>
    private static bool IsWellFormed(string value)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != OperationStatus.Done || IsNoncharacter(rune))
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

    private static string Range(char first, char last) =>
        string.Create(last - first + 1, first, static (span, start) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)(start + i);
            }
        });

    private static FormatException Invalid(string part) =>
        new($"The {part} is not valid under its PRECIS profile (RFC 8265, RFC 7622).");
}
