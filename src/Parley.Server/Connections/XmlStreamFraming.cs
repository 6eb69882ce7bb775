using System.Buffers;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// The XML stream over TCP (RFC 6120 §4): one &lt;stream:stream&gt; document per direction,
/// restarted in place after STARTTLS and SASL, closed with &lt;/stream:stream&gt;.
/// </summary>
internal sealed class XmlStreamFraming(XmlLimits limits) : IStreamFraming
{
    private static readonly byte[] StreamClose = "</stream:stream>"u8.ToArray();

    private readonly XmppStreamReader _reader = new(limits);

    // The prefixes our header declared (XEP-0220 §2: xmlns:db), for the elements written after it.
    private IReadOnlyList<KeyValuePair<string, string>> _declarations = [];

    public StreamHeader ReadHeader(Element opened) => StreamHeader.Read(opened, _reader.StreamNamespace);

    public bool TryRead(ref ReadOnlySequence<byte> buffer, out XmlStreamEvent streamEvent) => _reader.TryRead(ref buffer, out streamEvent);

    public void Reset() => _reader.Reset();

    public bool MayStartTls(ReadOnlySequence<byte> rest)
    {
        foreach (var segment in rest)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    public void WriteOpen(IBufferWriter<byte> output, string contentNamespace, IEnumerable<XmlAttribute> attributes, IReadOnlyList<KeyValuePair<string, string>> declarations)
    {
        _declarations = declarations;
        ElementWriter.WriteStreamHeader(output, contentNamespace, attributes, declarations);
    }

    /// <summary>
    /// Writes an element in the stream's default namespace context. Stanzas are held in jabber:client
    /// inside the server, so on a jabber:server or jabber:component:accept stream they are written
    /// without a namespace declaration and take the stream's (RFC 6120 §4.8.3). Elements of a
    /// namespace the header declared a prefix for are written with that prefix: the streams
    /// namespace as 'stream' (RFC 6120 §4.8.3; clients that match on prefixed names, as several do,
    /// expect &lt;stream:features/&gt;), and on server streams the dialback namespace as 'db', which
    /// XEP-0220 §2 requires ("MUST be prefixed … as advertised on the stream header") and ejabberd
    /// enforces by ignoring unprefixed dialback elements.
    /// </summary>
    public void WriteElement(IBufferWriter<byte> output, Element element)
    {
        if (element.Namespace == Namespaces.Streams)
        {
            ElementWriter.WritePrefixed(output, "stream", element, Namespaces.Client);
            return;
        }

        // Indexed: a foreach over the IReadOnlyList would box its enumerator for every stanza written.
        var declarations = _declarations;
        for (var i = 0; i < declarations.Count; i++)
        {
            if (declarations[i].Value == element.Namespace)
            {
                ElementWriter.WritePrefixed(output, declarations[i].Key, element, Namespaces.Client);
                return;
            }
        }

        ElementWriter.Write(output, element, Namespaces.Client);
    }

    public void WriteClose(IBufferWriter<byte> output) => output.Write(StreamClose);

    public bool FindClose(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        var found = reader.TryReadTo(out ReadOnlySequence<byte> _, StreamClose);
        // Keep only a possible partial close tag at the end.
        var keep = found ? 0 : Math.Min(buffer.Length, StreamClose.Length - 1);
        consumed = buffer.GetPosition(buffer.Length - keep);
        return found;
    }
}
