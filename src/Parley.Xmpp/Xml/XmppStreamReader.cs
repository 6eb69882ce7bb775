using System.Buffers;

namespace Parley.Xmpp.Xml;

/// <summary>
/// A resumable, push-style reader of one XMPP XML stream (RFC 6120 §4, §11): feed it whatever
/// bytes have arrived, get back one event at a time. It never blocks, never reads ahead of what
/// it was given, and keeps partial tokens across calls. Violations are raised as
/// <see cref="Streams.StreamErrorException"/> with the RFC 6120 condition.
/// </summary>
public sealed class XmppStreamReader
{
    public XmppStreamReader(XmlLimits? limits = null)
    {
        Limits = limits ?? XmlLimits.Default;
        throw new NotImplementedException();
    }

    public XmlLimits Limits { get; }

    /// <summary>The default namespace declared on the stream header (jabber:client or jabber:server), once opened.</summary>
    public string? StreamNamespace => throw new NotImplementedException();

    /// <summary>Forgets all state so that a new stream header is expected (stream restart after TLS or SASL).</summary>
    public void Reset() => throw new NotImplementedException();

    /// <summary>
    /// Reads at most one event from the front of <paramref name="buffer"/>. On true, the buffer is
    /// sliced past the bytes that produced the event; on false, all of it has been consumed into
    /// internal state and more bytes are needed.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out XmlStreamEvent streamEvent) => throw new NotImplementedException();
}
