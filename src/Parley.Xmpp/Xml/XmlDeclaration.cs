using System.Text;
using Parley.Xmpp.Streams;

namespace Parley.Xmpp.Xml;

/// <summary>Checks the text of an XML declaration (XML 1.0 §2.8), the bytes between "&lt;?" and "?&gt;".</summary>
internal static class XmlDeclaration
{
    /// <summary>Throws the stream error the declaration deserves, or returns when it is acceptable.</summary>
    public static void Validate(ReadOnlySpan<byte> text)
    {
        // A processing instruction whose target merely starts with "xml" is still a PI.
        if (!text.StartsWith("xml"u8) || (text.Length > 3 && !IsSpace(text[3])))
        {
            throw new StreamErrorException(StreamErrorCondition.RestrictedXml, "processing instructions are not allowed");
        }

        var rest = text[3..];
        var index = 0;
        string[] order = ["version", "encoding", "standalone"];
        while (true)
        {
            var hadSpace = SkipSpace(ref rest);
            if (rest.IsEmpty)
            {
                break;
            }

            if (!hadSpace)
            {
                throw NotWellFormed();
            }

            var eq = rest.IndexOf((byte)'=');
            if (eq <= 0)
            {
                throw NotWellFormed();
            }

            var name = Encoding.ASCII.GetString(rest[..eq].TrimEnd(" \t\r\n"u8));
            rest = rest[(eq + 1)..];
            SkipSpace(ref rest);
            if (rest.IsEmpty || (rest[0] != '\'' && rest[0] != '"'))
            {
                throw NotWellFormed();
            }

            var close = rest[1..].IndexOf(rest[0]);
            if (close < 0)
            {
                throw NotWellFormed();
            }

            var value = rest.Slice(1, close);
            rest = rest[(close + 2)..];

            // XML 1.0 §2.8: version first and required, then encoding, then standalone, each once.
            while (index < order.Length && order[index] != name)
            {
                if (index == 0)
                {
                    throw NotWellFormed();
                }

                index++;
            }

            if (index == order.Length)
            {
                throw NotWellFormed();
            }

            switch (name)
            {
                case "version" when !value.SequenceEqual("1.0"u8):
                    // RFC 6120 §11.6 requires XML 1.0.
                    throw NotWellFormed();
                case "encoding" when !Ascii.EqualsIgnoreCase(value, "UTF-8"u8):
                    // RFC 6120 §11.6: UTF-8 is the only encoding.
                    throw new StreamErrorException(StreamErrorCondition.UnsupportedEncoding, "only UTF-8 is supported");
                case "standalone" when !value.SequenceEqual("yes"u8) && !value.SequenceEqual("no"u8):
                    throw NotWellFormed();
            }

            index++;
        }

        if (index == 0)
        {
            throw NotWellFormed();
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool SkipSpace(ref ReadOnlySpan<byte> text)
    {
        var n = 0;
        while (n < text.Length && IsSpace(text[n]))
        {
            n++;
        }

        text = text[n..];
        return n > 0;
    }

    private static StreamErrorException NotWellFormed() =>
        new(StreamErrorCondition.NotWellFormed, "malformed XML declaration");
}
