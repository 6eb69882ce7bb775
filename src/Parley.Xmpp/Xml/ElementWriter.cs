using System.Buffers;
using System.Text;

namespace Parley.Xmpp.Xml;

/// <summary>Serializes elements as UTF-8 XML, escaping so that output never holds what input may not.</summary>
public static class ElementWriter
{
    // Characters that cannot be copied verbatim: markup, the whitespace that attribute-value
    // normalization (XML 1.0 §3.3.3) and end-of-line handling (§2.11) would alter, C0 controls
    // XML 1.0 §2.2 forbids, surrogates (checked for pairing) and U+FFFE/U+FFFF.
    private static readonly SearchValues<char> TextSpecial = SearchValues.Create(Specials("&<>\r"));
    private static readonly SearchValues<char> AttributeSpecial = SearchValues.Create(Specials("&<>\"'\t\n\r"));

    /// <summary>
    /// Writes <paramref name="element"/>. <paramref name="contextNamespace"/> is the default namespace in
    /// scope where it is written (the stream's, for stanzas), so that no redundant xmlns is emitted.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, Element element, string? contextNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(element);
        WriteElement(output, element, contextNamespace ?? "");
    }

    /// <summary>
    /// Writes a top-level element of the stream with a prefix the stream header declared for its
    /// namespace (RFC 6120 §4.8.3 'stream', XEP-0220 §2 'db'), and no namespace declaration of its
    /// own; children are written against <paramref name="contextNamespace"/>, the stream's default.
    /// </summary>
    public static void WritePrefixed(IBufferWriter<byte> output, string prefix, Element element, string contextNamespace) =>
        WritePrefixed(output, prefix, element, contextNamespace, declare: false);

    /// <summary>
    /// As <see cref="WritePrefixed(IBufferWriter{byte}, string, Element, string)"/>, declaring the prefix on
    /// the element itself when <paramref name="declare"/> is set: where no stream header declared it, as
    /// on RFC 7395 WebSocket streams, whose every message is a document of its own.
    /// </summary>
    public static void WritePrefixed(IBufferWriter<byte> output, string prefix, Element element, string contextNamespace, bool declare)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(element);
        RequireName(prefix);
        RequireName(element.Name);
        WriteAscii(output, "<");
        WriteName(output, prefix);
        WriteAscii(output, ":");
        WriteName(output, element.Name);
        if (declare)
        {
            WriteAscii(output, " xmlns:");
            WriteName(output, prefix);
            WriteAscii(output, "='");
            WriteEscaped(output, element.Namespace, AttributeSpecial);
            WriteAscii(output, "'");
        }

        var prefixes = new PrefixMap();
        var attributes = element.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            WriteAttribute(output, attributes[i], ref prefixes);
        }

        var nodes = element.Nodes;
        if (nodes.Count == 0)
        {
            WriteAscii(output, "/>");
            return;
        }

        WriteAscii(output, ">");
        WriteChildren(output, nodes, contextNamespace);
        WriteAscii(output, "</");
        WriteName(output, prefix);
        WriteAscii(output, ":");
        WriteName(output, element.Name);
        WriteAscii(output, ">");
    }

    /// <summary>The opening stream tag (RFC 6120 §4.7), with the streams prefix and the given default namespace.</summary>
    public static void WriteStreamHeader(IBufferWriter<byte> output, string defaultNamespace, IEnumerable<XmlAttribute> attributes) =>
        WriteStreamHeader(output, defaultNamespace, attributes, []);

    /// <param name="declarations">
    /// Extra prefix declarations on the stream root, as prefix → namespace: server-to-server streams
    /// declare xmlns:db='jabber:server:dialback' (XEP-0220 §2.1) for peers that look for it.
    /// </param>
    public static void WriteStreamHeader(IBufferWriter<byte> output, string defaultNamespace, IEnumerable<XmlAttribute> attributes, IReadOnlyList<KeyValuePair<string, string>> declarations)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(declarations);
        ArgumentNullException.ThrowIfNull(defaultNamespace);
        ArgumentNullException.ThrowIfNull(attributes);

        // RFC 6120 §11.5: the optional XML declaration, then the stream root with the streams prefix.
        WriteAscii(output, "<?xml version='1.0'?><stream:stream xmlns='");
        WriteEscaped(output, defaultNamespace, AttributeSpecial);
        WriteAscii(output, "' xmlns:stream='" + Namespaces.Streams + "'");
        foreach (var (prefix, ns) in declarations)
        {
            RequireName(prefix);
            WriteAscii(output, " xmlns:");
            WriteName(output, prefix);
            WriteAscii(output, "='");
            WriteEscaped(output, ns, AttributeSpecial);
            WriteAscii(output, "'");
        }

        var prefixes = new PrefixMap();
        foreach (var attribute in attributes)
        {
            WriteAttribute(output, attribute, ref prefixes);
        }

        WriteAscii(output, ">");
    }

    public static string ToXml(Element element, string? contextNamespace = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, element, contextNamespace);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteElement(IBufferWriter<byte> output, Element element, string inheritedNamespace)
    {
        var name = element.Name;
        RequireName(name);
        WriteAscii(output, "<");
        WriteName(output, name);
        if (element.Namespace != inheritedNamespace)
        {
            // Prefixes are not kept in the tree, so every element is written in a default namespace,
            // declared only where it changes.
            WriteAscii(output, " xmlns='");
            WriteEscaped(output, element.Namespace, AttributeSpecial);
            WriteAscii(output, "'");
        }

        // Indexed loops: foreach over the IReadOnlyList would box the list's enumerator (56 bytes per element written).
        var prefixes = new PrefixMap();
        var attributes = element.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            WriteAttribute(output, attributes[i], ref prefixes);
        }

        var nodes = element.Nodes;
        if (nodes.Count == 0)
        {
            WriteAscii(output, "/>");
            return;
        }

        WriteAscii(output, ">");
        WriteChildren(output, nodes, element.Namespace);
        WriteAscii(output, "</");
        WriteName(output, name);
        WriteAscii(output, ">");
    }

    private static void WriteChildren(IBufferWriter<byte> output, IReadOnlyList<Node> nodes, string parentNamespace)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node is Element child)
            {
                WriteElement(output, child, parentNamespace);
            }
            else if (node is TextNode text)
            {
                WriteEscaped(output, text.Value, TextSpecial);
            }
        }
    }

    private static void WriteAttribute(IBufferWriter<byte> output, XmlAttribute attribute, ref PrefixMap prefixes)
    {
        RequireName(attribute.Name);
        var ns = attribute.Namespace;
        WriteAscii(output, " ");
        if (string.IsNullOrEmpty(ns))
        {
            if (attribute.Name == "xmlns")
            {
                throw new ArgumentException("Namespace declarations are not attributes of the tree.", nameof(attribute));
            }
        }
        else if (ns == Namespaces.Xml)
        {
            WriteAscii(output, "xml:");
        }
        else if (ns == Namespaces.Xmlns)
        {
            throw new ArgumentException("Namespace declarations are not attributes of the tree.", nameof(attribute));
        }
        else
        {
            // Namespaces in XML §6.2: a namespaced attribute needs a prefix; generate one per
            // namespace, declared on this element (a child may rebind the same prefix harmlessly).
            var prefix = prefixes.Find(ns, out var isNew);
            if (isNew)
            {
                WriteAscii(output, "xmlns:");
                WriteAscii(output, prefix);
                WriteAscii(output, "='");
                WriteEscaped(output, ns, AttributeSpecial);
                WriteAscii(output, "' ");
            }

            WriteAscii(output, prefix);
            WriteAscii(output, ":");
        }

        WriteName(output, attribute.Name);
        WriteAscii(output, "='");
        WriteEscaped(output, attribute.Value ?? "", AttributeSpecial);
        WriteAscii(output, "'");
    }

    private static void RequireName(string name)
    {
        if (!XmlChars.IsNCName(name))
        {
            throw new ArgumentException($"'{name}' is not an XML name without a prefix.", nameof(name));
        }
    }

    private static void WriteName(IBufferWriter<byte> output, string name)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(name.Length));
        output.Advance(Encoding.UTF8.GetBytes(name, span));
    }

    private static void WriteAscii(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }

        output.Advance(ascii.Length);
    }

    private static void WriteEscaped(IBufferWriter<byte> output, ReadOnlySpan<char> value, SearchValues<char> special)
    {
        while (!value.IsEmpty)
        {
            var run = value.IndexOfAny(special);
            var safe = run < 0 ? value : value[..run];
            if (!safe.IsEmpty)
            {
                // Chunked so that a huge text never asks the writer for one huge span; the run
                // holds no surrogates (they are special), so any cut is between characters.
                var chunk = safe.Length > 4096 ? safe[..4096] : safe;

                var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length));
                output.Advance(Encoding.UTF8.GetBytes(chunk, span));
                value = value[chunk.Length..];
                continue;
            }

            var c = value[0];
            var consumed = 1;
            switch (c)
            {
                case '&': WriteAscii(output, "&amp;"); break;
                case '<': WriteAscii(output, "&lt;"); break;
                case '>': WriteAscii(output, "&gt;"); break;
                case '"': WriteAscii(output, "&quot;"); break;
                case '\'': WriteAscii(output, "&apos;"); break;
                case '\t': WriteAscii(output, "&#9;"); break;
                case '\n': WriteAscii(output, "&#10;"); break;
                case '\r': WriteAscii(output, "&#13;"); break;
                default:
                    if (char.IsHighSurrogate(c) && value.Length > 1 && char.IsLowSurrogate(value[1]))
                    {
                        var span = output.GetSpan(4);
                        output.Advance(Encoding.UTF8.GetBytes(value[..2], span));
                        consumed = 2;
                    }
                    else
                    {
                        // XML 1.0 §2.2: forbidden characters and unpaired surrogates cannot be
                        // written at all, not even as references; U+FFFD marks where they were.
                        WriteReplacement(output);
                    }

                    break;
            }

            value = value[consumed..];
        }
    }

    private static void WriteReplacement(IBufferWriter<byte> output)
    {
        var span = output.GetSpan(3);
        span[0] = 0xEF;
        span[1] = 0xBF;
        span[2] = 0xBD;
        output.Advance(3);
    }

    private static string Specials(string markup)
    {
        var sb = new StringBuilder(markup);
        for (var c = '\0'; c < ' '; c++)
        {
            if (c is not ('\t' or '\n' or '\r'))
            {
                sb.Append(c);
            }
        }

        for (var c = '\uD800'; c <= '\uDFFF'; c++)
        {
            sb.Append(c);
        }

        return sb.Append('\uFFFE').Append('\uFFFF').ToString();
    }

    /// <summary>Generated attribute prefixes of one element; most elements have none, so nothing is allocated.</summary>
    private struct PrefixMap
    {
        private static readonly string[] Names = ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"];
        private List<string>? _namespaces;

        public string Find(string ns, out bool isNew)
        {
            _namespaces ??= [];
            var index = _namespaces.IndexOf(ns);
            isNew = index < 0;
            if (isNew)
            {
                index = _namespaces.Count;
                _namespaces.Add(ns);
            }

            return index < Names.Length ? Names[index] : "a" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
