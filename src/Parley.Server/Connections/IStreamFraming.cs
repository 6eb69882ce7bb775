using System.Buffers;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// How one XMPP stream is put on and taken off its transport: the stream's opening and closing,
/// how elements are written and parsed, and what may follow a TLS request. The TCP XML stream of
/// RFC 6120 §4 is <see cref="XmlStreamFraming"/>; RFC 7395 WebSocket framing (an &lt;open/&gt; and a
/// &lt;close/&gt; element, one element per message, TLS below HTTP) is the second implementation it
/// leaves room for, reusing the connection's negotiation, limits, outbox and write loop. One
/// instance per connection; the read methods are called from the read loop only, the write methods
/// from whoever owns the output at the time (the write loop, then the close path).
/// </summary>
internal interface IStreamFraming
{
    /// <summary>What the peer's opening element (the event <see cref="TryRead"/> returned as opened) says: its attributes and content namespace.</summary>
    StreamHeader ReadHeader(Element opened);

    /// <summary>
    /// Parses the next stream event (opened, an element, closed) from <paramref name="buffer"/>,
    /// enforcing the parser limits as bytes arrive; false when more bytes are needed.
    /// </summary>
    bool TryRead(ref ReadOnlySequence<byte> buffer, out XmlStreamEvent streamEvent);

    /// <summary>A new stream starts on the same transport: after TLS (RFC 6120 §5.4.3.3) or SASL (§6.4.6).</summary>
    void Reset();

    /// <summary>
    /// RFC 6120 §5.4.3.3: whether TLS may start with <paramref name="rest"/> still unread after the
    /// &lt;starttls/&gt; or &lt;proceed/&gt; element. Bytes sent in the clear after it must never be
    /// processed (the STARTTLS command-injection attack), so anything but whitespace refuses.
    /// </summary>
    bool MayStartTls(ReadOnlySequence<byte> rest);

    /// <summary>Writes the opening of this side's stream (the response header, RFC 6120 §4.7).</summary>
    void WriteOpen(IBufferWriter<byte> output, string contentNamespace, IEnumerable<XmlAttribute> attributes, IReadOnlyList<KeyValuePair<string, string>> declarations);

    /// <summary>Writes one element of the stream (a stanza, a negotiation element, a stream error).</summary>
    void WriteElement(IBufferWriter<byte> output, Element element);

    /// <summary>Writes the end of this side's stream (RFC 6120 §4.4).</summary>
    void WriteClose(IBufferWriter<byte> output);

    /// <summary>
    /// Scans raw input, unparsed, for the peer's end of stream while the stream is closing.
    /// <paramref name="consumed"/> is where the caller may release input up to: it keeps only what
    /// could be the start of a split close, so waiting stays bounded in memory.
    /// </summary>
    bool FindClose(ReadOnlySequence<byte> buffer, out SequencePosition consumed);
}
