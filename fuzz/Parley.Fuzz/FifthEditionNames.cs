using System.Text.RegularExpressions;
using System.Xml;

namespace Parley.Fuzz;

/// <summary>
/// XML 1.0 (Fifth Edition) §2.3 names, written out here independently of Parley's XmlChars, and
/// how they differ from System.Xml's, which still uses the narrower name tables of earlier
/// editions (no characters beyond U+FFFF, no U+FEFF...). Parley follows the Fifth Edition, so a
/// name only System.Xml refuses is a known difference, while a name the Fifth Edition refuses is
/// a Parley bug.
/// </summary>
internal static partial class FifthEditionNames
{
    public static bool IsNCName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        var first = true;
        foreach (var rune in name.EnumerateRunes())
        {
            if (rune.Value == ':' || !(first ? IsNameStartChar(rune.Value) : IsNameChar(rune.Value)))
            {
                return false;
            }

            first = false;
        }

        return true;
    }

    /// <summary>True when System.Xml accepts the name as an NCName.</summary>
    public static bool SystemXmlAccepts(string name)
    {
        try
        {
            XmlConvert.VerifyNCName(name);
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    /// <summary>
    /// The prefixes written in raw markup (element and attribute names, xmlns:p declarations),
    /// which the tree does not keep; found loosely, so a match inside text only costs a skipped check.
    /// </summary>
    public static IEnumerable<string> RawPrefixes(string markup) =>
        RawPrefix().Matches(markup).Select(m => m.Groups["prefix"].Value);

    // NameStartChar (production [4]).
    private static bool IsNameStartChar(int c) =>
        c is (>= 'A' and <= 'Z') or '_' or (>= 'a' and <= 'z')
            or (>= 0xC0 and <= 0xD6) or (>= 0xD8 and <= 0xF6) or (>= 0xF8 and <= 0x2FF)
            or (>= 0x370 and <= 0x37D) or (>= 0x37F and <= 0x1FFF) or (>= 0x200C and <= 0x200D)
            or (>= 0x2070 and <= 0x218F) or (>= 0x2C00 and <= 0x2FEF) or (>= 0x3001 and <= 0xD7FF)
            or (>= 0xF900 and <= 0xFDCF) or (>= 0xFDF0 and <= 0xFFFD) or (>= 0x10000 and <= 0xEFFFF);

    // NameChar (production [4a]).
    private static bool IsNameChar(int c) =>
        IsNameStartChar(c) || c is '-' or '.' or (>= '0' and <= '9') or 0xB7
            or (>= 0x300 and <= 0x36F) or (>= 0x203F and <= 0x2040);

    [GeneratedRegex(@"(?:</?|\s)(?<prefix>[^\s<>/=:'""]+):[^\s<>/=:'""]")]
    private static partial Regex RawPrefix();
}
