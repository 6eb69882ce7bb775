using System.Buffers;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// The framed XML stream of RFC 7395 §3.3: the stream opens with &lt;open/&gt; and ends with
/// &lt;close/&gt; (urn:ietf:params:xml:ns:xmpp-framing), every WebSocket message holds exactly one
/// complete element that names its own namespace, and there is no STARTTLS (TLS is HTTPS's).
/// </summary>
/// <remarks>
/// The WebSocket transport (Http/WebSockets) hands the connection each text message followed by
/// a <see cref="MessageEnd"/> byte, and takes each written element the same way, so the connection's
/// read loop, limits, read bucket, outbox and write loop are the TCP ones. NUL is no XML character
/// (XML 1.0 §2.2), so it cannot occur inside a message; the transport refuses a message holding one.
/// One parser reads the whole connection, inside a root the framing supplies, so each message is
/// parsed with the stanza limits as its bytes arrive; the root's default namespace is jabber:client,
/// which a stanza written without xmlns (RFC 7395 §3.3.3 asks for it) takes.
/// </remarks>
internal sealed class WebSocketFraming : IStreamFraming
{
    /// <summary>Ends every message between the transport and the connection.</summary>
    public const byte MessageEnd = 0;

    /// <summary>The longest message <see cref="FindClose"/> keeps while it waits for a split &lt;close/&gt;.</summary>
    private const int MaxCloseBytes = 256;

    private static readonly byte[] Root = Encoding.UTF8.GetBytes($"<stream:stream xmlns='{Namespaces.Client}' xmlns:stream='{Namespaces.Streams}'>");
    private static readonly byte[] Close = Encoding.UTF8.GetBytes($"<close xmlns='{Namespaces.Framing}'/>");

    private readonly XmppStreamReader _reader;
    private readonly Func<StreamErrorException?> _transportFault;
    private bool _awaitingOpen = true;
    private bool _elementInMessage;
    private bool _skippingMessage;

    /// <param name="transportFault">What the transport refused before it stopped (a binary or oversized message), raised here as the stream error.</param>
    public WebSocketFraming(XmlLimits limits, Func<StreamErrorException?> transportFault)
    {
        _transportFault = transportFault;
        _reader = new XmppStreamReader(limits);
        var root = new ReadOnlySequence<byte>(Root);
        if (!_reader.TryRead(ref root, out var opened) || opened.Kind != XmlStreamEventKind.StreamOpened)
        {
            throw new InvalidOperationException("The framing root did not parse.");
        }
    }

    /// <summary>The &lt;open/&gt; stands for a jabber:client stream header (RFC 7395 §3.3.2).</summary>
    public StreamHeader ReadHeader(Element opened) => StreamHeader.Read(opened, Namespaces.Client);

    public bool TryRead(ref ReadOnlySequence<byte> buffer, out XmlStreamEvent streamEvent)
    {
        if (_transportFault() is { } fault)
        {
            throw fault;
        }

        while (!buffer.IsEmpty)
        {
            var end = buffer.PositionOf(MessageEnd);
            var message = end is { } position ? buffer.Slice(0, position) : buffer;
            var length = message.Length;
            if (_reader.TryRead(ref message, out var read))
            {
                if (read.Kind != XmlStreamEventKind.Element)
                {
                    // Only an end tag of the framing's own root gets here: no message may hold one.
                    throw new StreamErrorException(StreamErrorCondition.NotWellFormed, "RFC 7395: a WebSocket message must hold one complete element");
                }

                buffer = buffer.Slice(length - message.Length);
                streamEvent = Accept(read.Element!);
                return true;
            }

            if (end is null)
            {
                buffer = buffer.Slice(buffer.End);
                break;
            }

            // The message ended: it must have held one whole element (RFC 7395 §3.3.1).
            if (!_reader.IsAtStreamLevel)
            {
                throw _awaitingOpen
                    ? new StreamErrorException(StreamErrorCondition.InvalidNamespace, "RFC 7395: open the stream with <open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")
                    : new StreamErrorException(StreamErrorCondition.NotWellFormed, "RFC 7395: a WebSocket message must hold one complete element");
            }

            _elementInMessage = false;
            buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        }

        streamEvent = default;
        return false;
    }

    /// <summary>A new stream (after SASL, RFC 6120 §6.4.6) starts with a new &lt;open/&gt; on the same socket.</summary>
    public void Reset() => _awaitingOpen = true;

    /// <summary>No STARTTLS over WebSocket (RFC 7395 §3.7): TLS is the HTTPS connection's.</summary>
    public bool MayStartTls(ReadOnlySequence<byte> rest) => false;

    public void WriteOpen(IBufferWriter<byte> output, string contentNamespace, IEnumerable<XmlAttribute> attributes, IReadOnlyList<KeyValuePair<string, string>> declarations)
    {
        // RFC 7395 §3.3.2: the response <open/> carries the stream header's attributes.
        var open = new Element("open", Namespaces.Framing);
        foreach (var attribute in attributes)
        {
            open.SetAttribute(attribute.Name, attribute.Value, attribute.Namespace);
        }

        ElementWriter.Write(output, open);
        output.Write([MessageEnd]);
    }

    /// <summary>
    /// Every message is a document of its own, so each element declares its namespace: stanzas get
    /// xmlns='jabber:client', stream elements (features, errors) the 'stream' prefix declared on themselves.
    /// </summary>
    public void WriteElement(IBufferWriter<byte> output, Element element)
    {
        if (element.Namespace == Namespaces.Streams)
        {
            ElementWriter.WritePrefixed(output, "stream", element, "", declare: true);
        }
        else
        {
            ElementWriter.Write(output, element);
        }

        output.Write([MessageEnd]);
    }

    public void WriteClose(IBufferWriter<byte> output)
    {
        output.Write(Close);
        output.Write([MessageEnd]);
    }

    public bool FindClose(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        while (buffer.PositionOf(MessageEnd) is { } end)
        {
            var message = buffer.Slice(0, end);
            var skipped = _skippingMessage;
            _skippingMessage = false;
            if (!skipped && IsClose(message))
            {
                consumed = buffer.GetPosition(1, end);
                return true;
            }

            buffer = buffer.Slice(buffer.GetPosition(1, end));
        }

        // A partial message: keep it while it could still be a <close/>, else skip the rest of it.
        if (_skippingMessage || buffer.Length > MaxCloseBytes)
        {
            _skippingMessage = true;
            consumed = buffer.End;
        }
        else
        {
            consumed = buffer.Start;
        }

        return false;
    }

    /// <summary>RFC 7395 §3.3.2: the first element of a stream is &lt;open/&gt;, which stands for the stream header.</summary>
    private XmlStreamEvent Accept(Element element)
    {
        if (_elementInMessage)
        {
            throw new StreamErrorException(StreamErrorCondition.NotWellFormed, "RFC 7395: one element per WebSocket message");
        }

        _elementInMessage = true;
        if (element.Namespace == Namespaces.Framing && element.Name == "open")
        {
            // The negotiator checks the header as on TCP: a stream element whose content namespace is jabber:client.
            _awaitingOpen = false;
            var header = new Element("stream", Namespaces.Streams);
            foreach (var attribute in element.Attributes)
            {
                header.SetAttribute(attribute.Name, attribute.Value, attribute.Namespace);
            }

            return new XmlStreamEvent(XmlStreamEventKind.StreamOpened, header);
        }

        if (element.Namespace == Namespaces.Framing && element.Name == "close")
        {
            return new XmlStreamEvent(XmlStreamEventKind.StreamClosed, null);
        }

        if (_awaitingOpen)
        {
            throw new StreamErrorException(StreamErrorCondition.InvalidNamespace, "RFC 7395: open the stream with <open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        }

        return new XmlStreamEvent(XmlStreamEventKind.Element, element);
    }

    private static bool IsClose(ReadOnlySequence<byte> message)
    {
        if (message.Length > MaxCloseBytes)
        {
            return false;
        }

        var text = message.IsSingleSegment ? message.FirstSpan : message.ToArray();
        text = text.Trim(" \t\r\n"u8);
        return text.StartsWith("<close"u8) && text.IndexOf("urn:ietf:params:xml:ns:xmpp-framing"u8) > 0;
    }
}
