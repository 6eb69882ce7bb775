using System.Text;
using System.Xml;
using System.Xml.Linq;
using Parley.Xmpp.Xml;

namespace Parley.Fuzz;

/// <summary>
/// Reads the writer's output with System.Xml's strict reader (no DTD, character checking on) and
/// requires the very tree Parley holds: a receiving server or client that uses a conforming
/// parser must see the stanza Parley routed, not another one (parser differentials).
/// </summary>
internal static class SystemXmlDifferential
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        CheckCharacters = true,
        IgnoreComments = false,
        IgnoreProcessingInstructions = false,
        IgnoreWhitespace = false,
    };

    public static void Check(Element element, string xml, string context)
    {
        if (!NamesSystemXmlAccepts(element))
        {
            // XML 1.0 (Fifth Edition) §2.3 allows names System.Xml's older tables refuse (beyond
            // U+FFFF, U+FEFF...), and Parley reads them. A peer that refuses a stanza cannot be
            // smuggled another one, so this is a known difference (docs/fuzzing.md), not a finding.
            return;
        }

        var document = "<wrapper xmlns=\"" + EscapeAttribute(context) + "\">" + xml + "</wrapper>";
        XElement root;
        try
        {
            using var text = new StringReader(document);
            using var reader = XmlReader.Create(text, Settings);
            root = XElement.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException e)
        {
            throw new InvariantViolationException("System.Xml refuses the writer's output: " + xml, e);
        }

        if (root.Nodes().ToList() is not [XElement parsed])
        {
            throw new InvariantViolationException("System.Xml reads other than one element: " + xml);
        }

        Compare(element, parsed, xml);
    }

    /// <summary>
    /// The input's own bytes: its stream header (with any BOM and XML declaration before it), one
    /// stanza Parley read after it, and the header's end tag make a document that System.Xml must
    /// read, to the tree Parley read. This is the receiving side of the same promise: a stanza
    /// Parley accepts means to Parley what it means to any conforming parser.
    /// </summary>
    public static void CheckInput(ReadOnlySpan<byte> header, Element headerElement, ReadOnlySpan<byte> stanza, Element element)
    {
        // The prefixes of the raw markup count too: the tree does not keep them.
        if (!NamesSystemXmlAccepts(headerElement) || !NamesSystemXmlAccepts(element)
            || !FifthEditionNames.RawPrefixes(Encoding.UTF8.GetString(header) + Encoding.UTF8.GetString(stanza)).All(FifthEditionNames.SystemXmlAccepts))
        {
            return;
        }

        var name = RootName(header);
        var document = new byte[header.Length + stanza.Length + name.Length + 3];
        header.CopyTo(document);
        stanza.CopyTo(document.AsSpan(header.Length));
        "</"u8.CopyTo(document.AsSpan(header.Length + stanza.Length));
        name.CopyTo(document.AsSpan(header.Length + stanza.Length + 2));
        document[^1] = (byte)'>';

        XElement root;
        try
        {
            using var bytes = new MemoryStream(document);
            using var reader = XmlReader.Create(bytes, Settings);
            root = XElement.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException e)
        {
            throw new InvariantViolationException("System.Xml refuses a stanza Parley accepted: " + Encoding.UTF8.GetString(stanza), e);
        }

        if (root.Elements().ToList() is not [XElement parsed] || root.Nodes().OfType<XText>().Any(t => !string.IsNullOrWhiteSpace(t.Value)))
        {
            throw new InvariantViolationException("System.Xml reads other than one stanza in: " + Encoding.UTF8.GetString(stanza));
        }

        Compare(element, parsed, Encoding.UTF8.GetString(stanza));
    }

    /// <summary>The raw qualified name of the root: after the first '&lt;' that opens no declaration.</summary>
    private static ReadOnlySpan<byte> RootName(ReadOnlySpan<byte> header)
    {
        var at = 0;
        while (true)
        {
            var open = header[at..].IndexOf((byte)'<');
            at += open + 1;
            if (header[at] != (byte)'?')
            {
                break;
            }
        }

        var name = header[at..];
        return name[..name.IndexOfAny(" \t\r\n/>"u8)];
    }

    private static void Compare(Element expected, XElement actual, string xml)
    {
        if (expected.Name != actual.Name.LocalName || expected.Namespace != actual.Name.NamespaceName)
        {
            throw Differ($"element {{{expected.Namespace}}}{expected.Name} read as {actual.Name}", xml);
        }

        var expectedAttributes = expected.Attributes
            .Select(a => $"{{{a.Namespace}}}{a.Name}={a.Value}")
            .Order(StringComparer.Ordinal);
        var actualAttributes = actual.Attributes()
            .Where(a => !a.IsNamespaceDeclaration)
            .Select(a => $"{{{a.Name.NamespaceName}}}{a.Name.LocalName}={a.Value}")
            .Order(StringComparer.Ordinal);
        if (!expectedAttributes.SequenceEqual(actualAttributes))
        {
            throw Differ($"attributes of {expected.Name} differ", xml);
        }

        var expectedNodes = Merge(expected.Nodes.Select(n => n switch
        {
            Element e => (object)e,
            TextNode t => t.Value,
            _ => throw Differ("unknown node type " + n.GetType(), xml),
        }));
        var actualNodes = Merge(actual.Nodes().Select(n => n switch
        {
            XElement e => (object)e,
            XText t => t.Value,
            _ => throw Differ($"System.Xml reads a {n.NodeType} node", xml),
        }));
        if (expectedNodes.Count != actualNodes.Count)
        {
            throw Differ($"children of {expected.Name}: {expectedNodes.Count} against {actualNodes.Count}", xml);
        }

        for (var i = 0; i < expectedNodes.Count; i++)
        {
            switch (expectedNodes[i], actualNodes[i])
            {
                case (Element e, XElement a):
                    Compare(e, a, xml);
                    break;
                case (string e, string a) when e == a:
                    break;
                default:
                    throw Differ($"child {i} of {expected.Name} differs", xml);
            }
        }
    }

    /// <summary>
    /// Whether System.Xml's name rules accept every name in the tree. Each must be a Fifth Edition
    /// NCName whatever the answer: Parley accepting any other name is a finding.
    /// </summary>
    private static bool NamesSystemXmlAccepts(Element element)
    {
        var accepted = true;
        foreach (var name in element.Attributes.Select(a => a.Name).Prepend(element.Name))
        {
            if (!FifthEditionNames.IsNCName(name))
            {
                throw new InvariantViolationException($"Parley accepted the name '{name}', which XML 1.0 §2.3 refuses");
            }

            accepted &= FifthEditionNames.SystemXmlAccepts(name);
        }

        foreach (var child in element.Children())
        {
            accepted &= NamesSystemXmlAccepts(child);
        }

        return accepted;
    }

    /// <summary>Adjacent text nodes as one string, empty ones dropped: neither side promises how text is split.</summary>
    private static List<object> Merge(IEnumerable<object> nodes)
    {
        var merged = new List<object>();
        foreach (var node in nodes)
        {
            if (node is string text)
            {
                if (text.Length == 0)
                {
                    continue;
                }

                if (merged.Count > 0 && merged[^1] is string previous)
                {
                    merged[^1] = previous + text;
                    continue;
                }
            }

            merged.Add(node);
        }

        return merged;
    }

    private static string EscapeAttribute(string value) =>
        new StringBuilder(value).Replace("&", "&amp;").Replace("<", "&lt;").Replace("\"", "&quot;")
            .Replace("\t", "&#9;").Replace("\n", "&#10;").Replace("\r", "&#13;").ToString();

    private static InvariantViolationException Differ(string what, string xml) =>
        new("System.Xml and Parley differ: " + what + ": " + xml);
}
