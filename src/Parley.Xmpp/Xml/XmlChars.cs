namespace Parley.Xmpp.Xml;

/// <summary>Character classes of XML 1.0 (Fifth Edition) §2.2 and §2.3, shared by the reader and the writer.</summary>
internal static class XmlChars
{
    /// <summary>XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].</summary>
    public static bool IsXmlChar(int c) =>
        c >= 0x20 ? c <= 0xD7FF || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF) : c is 0x9 or 0xA or 0xD;

    /// <summary>XML 1.0 §2.3 NameStartChar, without ':' (Namespaces in XML NCName).</summary>
    public static bool IsNameStartChar(int c) =>
        c < 0x80
            ? (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c == '_'
            : (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF)
              || (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D)
              || (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF)
              || (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);

    /// <summary>XML 1.0 §2.3 NameChar, without ':'.</summary>
    public static bool IsNameChar(int c) =>
        IsNameStartChar(c) || (uint)(c - '0') <= 9 || c == '-' || c == '.'
        || c == 0xB7 || (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);

    /// <summary>True when <paramref name="name"/> is a non-empty NCName (a name without a colon).</summary>
    public static bool IsNCName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var start = i == 0;
            int c = name[i];
            if (char.IsHighSurrogate(name[i]))
            {
                if (i + 1 >= name.Length || !char.IsLowSurrogate(name[i + 1]))
                {
                    return false;
                }

                c = char.ConvertToUtf32(name[i], name[i + 1]);
                i++;
            }

            if (!(start ? IsNameStartChar(c) : IsNameChar(c)))
            {
                return false;
            }
        }

        return true;
    }
}
