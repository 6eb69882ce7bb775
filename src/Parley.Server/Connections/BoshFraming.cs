using System.Buffers;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// XMPP over BOSH (XEP-0206). Reading is the RFC 7395 framing: the session hands the connection every
/// payload element of a &lt;body/&gt; as one message, and a synthesized &lt;open/&gt; at creation and on
/// each xmpp:restart (§5), a &lt;close/&gt; on type='terminate' (§6). Writing goes to
/// <see cref="IBoshOutput"/> instead of the transport's byte pipe, since every response is a
/// &lt;body/&gt; built for one HTTP request. There is no STARTTLS (TLS is HTTPS's, XEP-0206 §4).
/// </summary>
internal sealed class BoshFraming(XmlLimits limits, IBoshOutput output, Func<StreamErrorException?> transportFault) : IStreamFraming
{
    private readonly WebSocketFraming _messages = new(limits, transportFault);

    public StreamHeader ReadHeader(Element opened) => _messages.ReadHeader(opened);

    public bool TryRead(ref ReadOnlySequence<byte> buffer, out XmlStreamEvent streamEvent) => _messages.TryRead(ref buffer, out streamEvent);

    public void Reset() => _messages.Reset();

    public bool MayStartTls(ReadOnlySequence<byte> rest) => false;

    public void WriteOpen(IBufferWriter<byte> transport, string contentNamespace, IEnumerable<XmlAttribute> attributes, IReadOnlyList<KeyValuePair<string, string>> declarations) =>
        output.StreamOpened(attributes);

    public void WriteElement(IBufferWriter<byte> transport, Element element) => output.Element(element);

    public void WriteClose(IBufferWriter<byte> transport) => output.StreamClosed();

    /// <summary>Once the server has ended the stream the session is over: there is no client close to wait for.</summary>
    public bool FindClose(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        consumed = buffer.End;
        return true;
    }
}
