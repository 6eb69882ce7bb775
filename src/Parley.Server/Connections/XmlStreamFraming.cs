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

    public string? StreamNamespace => _reader.StreamNamespace;

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

    public void WriteOpen(IBufferWriter<byte> output, string contentNamespace, IEnumerable<XmlAttribute> attributes, IReadOnlyList<KeyValuePair<string, string>> declarations) =>
        ElementWriter.WriteStreamHeader(output, contentNamespace, attributes, declarations);

    /// <summary>
    /// Writes an element in the stream's default namespace context. Stanzas are held in jabber:client
    /// inside the server, so on a jabber:server or jabber:component:accept stream they are written
    /// without a namespace declaration and take the stream's (RFC 6120 §4.8.3). Elements of the
    /// streams namespace (features, error) use the 'stream' prefix the header declared (RFC 6120
    /// §4.8.3): clients that match on prefixed names, as several do, expect &lt;stream:features/&gt;.
    /// </summary>
    public void WriteElement(IBufferWriter<byte> output, Element element)
    {
        if (element.Namespace != Namespaces.Streams)
        {
            ElementWriter.Write(output, element, Namespaces.Client);
            return;
        }

        WriteAscii(output, "<stream:");
        WriteAscii(output, element.Name);
        WriteAscii(output, ">");
        foreach (var child in element.Children())
        {
            ElementWriter.Write(output, child, Namespaces.Client);
        }

        WriteAscii(output, "</stream:");
        WriteAscii(output, element.Name);
        WriteAscii(output, ">");
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

    private static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = System.Text.Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }
}
