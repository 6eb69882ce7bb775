using System.Buffers;
using System.Text;
using System.Xml;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Xmpp.Tests.Xml;

/// <summary>Feeds bytes to a reader the way a pipe would, and renders events and trees canonically.</summary>
internal static class XmlTestSupport
{
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Feeds each chunk in turn, draining events after each, as a pipe reader loop does.</summary>
    public static List<XmlStreamEvent> Feed(XmppStreamReader reader, IEnumerable<ReadOnlySequence<byte>> chunks)
    {
        var events = new List<XmlStreamEvent>();
        foreach (var chunk in chunks)
        {
            var buffer = chunk;
            while (true)
            {
                var before = buffer.Length;
                if (!reader.TryRead(ref buffer, out var ev))
                {
                    Assert.True(buffer.IsEmpty, "false must mean everything was consumed");
                    break;
                }

                Assert.True(buffer.Length <= before);
                events.Add(ev);
            }
        }

        return events;
    }

    public static List<XmlStreamEvent> Feed(XmppStreamReader reader, params byte[][] chunks) =>
        Feed(reader, chunks.Select(c => new ReadOnlySequence<byte>(c)));

    public static List<XmlStreamEvent> Read(string xml, XmlLimits? limits = null) =>
        Feed(new XmppStreamReader(limits), Utf8(xml));

    /// <summary>The events of <paramref name="xml"/>, which must not fail, rendered as strings.</summary>
    public static List<string> Render(IEnumerable<XmlStreamEvent> events) => events.Select(Render).ToList();

    public static string Render(XmlStreamEvent ev) =>
        ev.Kind + (ev.Element is null ? "" : " " + Dump(ev.Element));

    /// <summary>A canonical rendering of a tree: expanded names, attributes in order, adjacent text merged.</summary>
    public static string Dump(Element e)
    {
        var sb = new StringBuilder();
        Dump(e, sb);
        return sb.ToString();
    }

    private static void Dump(Element e, StringBuilder sb)
    {
        sb.Append('{').Append(e.Namespace).Append('}').Append(e.Name);
        foreach (var a in e.Attributes)
        {
            sb.Append(" [").Append(a.Namespace).Append(']').Append(a.Name).Append('=').Append(Quote(a.Value));
        }

        sb.Append('(');
        var text = new StringBuilder();
        foreach (var n in e.Nodes)
        {
            if (n is TextNode t)
            {
                text.Append(t.Value);
                continue;
            }

            FlushText(text, sb);
            Dump((Element)n, sb);
        }

        FlushText(text, sb);
        sb.Append(')');
    }

    private static void FlushText(StringBuilder text, StringBuilder sb)
    {
        if (text.Length > 0)
        {
            sb.Append(Quote(text.ToString()));
            text.Clear();
        }
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c is < ' ' or '"' or '\\' or > '~' ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return sb.Append('"').ToString();
    }

    /// <summary>
    /// The first element of <paramref name="xml"/> as System.Xml's strict reader sees it (no DTD,
    /// namespace declarations dropped as Parley drops them); throws XmlException where it is not well-formed.
    /// </summary>
    public static Element ReadWithSystemXml(string xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreWhitespace = false, IgnoreComments = false };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        var stack = new Stack<Element>();
        Element? root = null;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var e = new Element(reader.LocalName, reader.NamespaceURI);
                    var empty = reader.IsEmptyElement;
                    if (reader.MoveToFirstAttribute())
                    {
                        do
                        {
                            if (reader.NamespaceURI != Namespaces.Xmlns)
                            {
                                e.SetAttribute(reader.LocalName, reader.Value, reader.NamespaceURI.Length == 0 ? null : reader.NamespaceURI);
                            }
                        }
                        while (reader.MoveToNextAttribute());
                        reader.MoveToElement();
                    }

                    if (stack.Count > 0)
                    {
                        stack.Peek().Add(e);
                    }

                    root ??= e;
                    if (!empty)
                    {
                        stack.Push(e);
                    }

                    break;
                case XmlNodeType.EndElement:
                    stack.Pop();
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    stack.Peek().AddText(reader.Value);
                    break;
                default:
                    throw new InvalidOperationException($"unexpected {reader.NodeType}");
            }
        }

        return root!;
    }

    /// <summary>Asserts that reading <paramref name="xml"/> fails with <paramref name="condition"/>.</summary>
    public static void AssertFails(StreamErrorCondition condition, string xml, XmlLimits? limits = null) =>
        AssertFails(condition, Utf8(xml), limits);

    public static void AssertFails(StreamErrorCondition condition, byte[] bytes, XmlLimits? limits = null)
    {
        var ex = Assert.Throws<StreamErrorException>(() => Feed(new XmppStreamReader(limits), bytes));
        Assert.Equal(condition, ex.Condition);

        // The same verdict whatever the chunking.
        var split = Assert.Throws<StreamErrorException>(() => Feed(new XmppStreamReader(limits), bytes.Select(b => new[] { b }).ToArray()));
        Assert.Equal(condition, split.Condition);
    }

    /// <summary>A sequence of one segment per part, to exercise segment boundaries inside one TryRead.</summary>
    public static ReadOnlySequence<byte> Segmented(params byte[][] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var p in parts.Skip(1))
        {
            last = last.Append(p);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    public const string Header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
}
