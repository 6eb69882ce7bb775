using System.Buffers;
using Parley.Xmpp.Streams;

namespace Parley.Xmpp.Xml;

/// <summary>
/// A resumable, push-style reader of one XMPP XML stream (RFC 6120 §4, §11): feed it whatever
/// bytes have arrived, get back one event at a time. It never blocks, never reads ahead of what
/// it was given, and keeps partial tokens across calls. Violations are raised as
/// <see cref="Streams.StreamErrorException"/> with the RFC 6120 condition.
/// </summary>
/// <remarks>
/// The byte-level state machine lives in XmppStreamReader.Scanner.cs, character data and
/// references in XmppStreamReader.CharacterData.cs; this part turns completed tags into
/// elements, resolves namespaces and emits events. Prefix misuse that Namespaces in XML forbids
/// (declaring xmlns, rebinding xml, binding the reserved namespaces, empty prefixed declarations,
/// xmlns as an element prefix) is &lt;not-well-formed/&gt;; only a prefix used without a
/// declaration in scope is &lt;bad-namespace-prefix/&gt; (RFC 6120 §4.9.3.2).
/// </remarks>
public sealed partial class XmppStreamReader
{
    private readonly NameTable _names = new();
    private readonly NamespaceScope _scope = new();
    private readonly List<RawAttribute> _rawAttributes = [];
    private readonly List<Element> _open = [];

    // Raw qualified names of the open elements, root first, to match end tags byte for byte.
    private readonly ByteBuffer _openNames = new(64);
    private int[] _openNameStarts = new int[16];

    // Rented on demand and given back whenever the reader runs out of input (ReleaseIdleBuffers).
    private char[] _chars = [];
    private string? _tagPrefix;
    private string _tagLocal = "";
    private XmlStreamEvent _event;
    private bool _closePending;
    private bool _rootOpen;
    private int _elements;

    public XmppStreamReader(XmlLimits? limits = null)
    {
        Limits = limits ?? XmlLimits.Default;

        // Every limit is enforced; a zero or negative one would switch the check off or refuse everything.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxStanzaBytes, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxDepth, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxAttributes, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxNameLength, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxStreamHeaderBytes, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxElements, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxAttributeValueBytes, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxTextBytes, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxNamespaceDeclarations, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Limits.MaxNamespaceDeclarationsInScope, nameof(limits));
    }

    public XmlLimits Limits { get; }

    /// <summary>
    /// The default namespace declared on the stream header (jabber:client or jabber:server) once it
    /// is opened: "" when the header declared none, null before the header (the caller checks it).
    /// </summary>
    public string? StreamNamespace { get; private set; }

    /// <summary>
    /// Between two top-level elements, with nothing partial held: where a message of a framed stream
    /// (RFC 7395, one element per WebSocket message) must end.
    /// </summary>
    public bool IsAtStreamLevel => _state == State.StreamLevel;

    /// <summary>Forgets all state so that a new stream header is expected (stream restart after TLS or SASL).</summary>
    public void Reset()
    {
        ResetScanner();
        _restarted = true;
        _scope.Clear();
        _rawAttributes.Clear();
        _open.Clear();
        _openNames.Clear();
        _tagPrefix = null;
        _tagLocal = "";
        _event = default;
        _closePending = false;
        _rootOpen = false;
        StreamNamespace = null;
    }

    /// <summary>
    /// Reads at most one event from the front of <paramref name="buffer"/>. On true, the buffer is
    /// sliced past the bytes that produced the event; on false, all of it has been consumed into
    /// internal state and more bytes are needed.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out XmlStreamEvent streamEvent)
    {
        if (_closePending)
        {
            // A self-closed header (<stream:stream .../>) opens and closes in one tag.
            _closePending = false;
            streamEvent = new XmlStreamEvent(XmlStreamEventKind.StreamClosed, null);
            return true;
        }

        long consumed = 0;
        foreach (var memory in buffer)
        {
            var span = memory.Span;
            var index = 0;
            if (Scan(span, ref index))
            {
                buffer = buffer.Slice(consumed + index);
                streamEvent = _event;
                _event = default;
                return true;
            }

            consumed += span.Length;
        }

        buffer = buffer.Slice(buffer.End);
        streamEvent = default;
        ReleaseIdleBuffers();
        return false;
    }

    /// <summary>
    /// All input is consumed and the caller will wait for more, possibly for minutes on an idle
    /// stream: the scratch buffers that hold nothing go back to the pool (they are rented again
    /// by the next token), so thousands of idle streams do not each keep ~2 KiB of them.
    /// </summary>
    private void ReleaseIdleBuffers()
    {
        _text.Release();
        _value.Release();
        _token.Release();
        if (_chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = [];
        }
    }

    /// <summary>Splits and interns the qualified name held in <paramref name="token"/> (Namespaces in XML §4 QName).</summary>
    private void ReadQName(ReadOnlySpan<byte> token, out string? prefix, out string local)
    {
        var chars = DecodeChars(token);
        var colon = chars.IndexOf(':');
        if (colon < 0)
        {
            prefix = null;
            local = XmlChars.IsNCName(chars) ? _names.Get(chars) : throw BadName(chars);
            return;
        }

        var p = chars[..colon];
        var l = chars[(colon + 1)..];
        if (!XmlChars.IsNCName(p) || !XmlChars.IsNCName(l))
        {
            throw BadName(chars);
        }

        prefix = _names.Get(p);
        local = _names.Get(l);
    }

    /// <summary>Decodes into a reused buffer; the bytes were validated as UTF-8 on arrival, so this cannot fail.</summary>
    private Span<char> DecodeChars(ReadOnlySpan<byte> utf8)
    {
        if (_chars.Length < utf8.Length)
        {
            // UTF-8 never decodes to more UTF-16 code units than it has bytes.
            var bigger = ArrayPool<char>.Shared.Rent(Math.Max(utf8.Length, 64));
            if (_chars.Length > 0)
            {
                ArrayPool<char>.Shared.Return(_chars);
            }

            _chars = bigger;
        }

        return _chars.AsSpan(0, System.Text.Encoding.UTF8.GetChars(utf8, _chars));
    }

    private static StreamErrorException BadName(ReadOnlySpan<char> name) =>
        new(StreamErrorCondition.NotWellFormed, $"invalid name '{name}'");

    private void PushOpenName(ReadOnlySpan<byte> qname)
    {
        // The root's name is at 0, the stanza's at 1, and so on.
        var depth = _rootOpen ? _open.Count + 1 : 0;
        if (depth >= _openNameStarts.Length)
        {
            Array.Resize(ref _openNameStarts, _openNameStarts.Length * 2);
        }

        _openNameStarts[depth] = _openNames.Length;
        _openNames.Add(qname);
    }

    /// <summary>Completes a start tag: declarations, name resolution, duplicate checks, then the element.</summary>
    /// <returns>True when an event is ready.</returns>
    private bool CompleteStartTag(bool isEmpty)
    {
        var isRoot = !_rootOpen;
        if (!isRoot && _open.Count + 1 > Limits.MaxDepth)
        {
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "elements nested too deeply");
        }

        if (!isRoot)
        {
            // Bytes alone bound a stanza's size, not the objects it becomes: count its elements too.
            _elements = _open.Count == 0 ? 1 : _elements + 1;
            if (_elements > Limits.MaxElements)
            {
                throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "too many elements in one stanza");
            }
        }

        _scope.Push();
        var attributes = _rawAttributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i];
            for (var j = 0; j < i; j++)
            {
                // XML 1.0 §3.1 (Unique Att Spec).
                if (attributes[j].Prefix == a.Prefix && attributes[j].Local == a.Local)
                {
                    throw new StreamErrorException(StreamErrorCondition.NotWellFormed, $"duplicate attribute '{a.Local}'");
                }
            }

            if (a.Prefix is null && a.Local == "xmlns")
            {
                DeclarePrefix("", a.Value);
            }
            else if (a.Prefix == "xmlns")
            {
                DeclarePrefix(a.Local, a.Value);
            }
        }

        // Namespaces in XML §3: element names must not have the prefix xmlns.
        if (_tagPrefix == "xmlns")
        {
            throw new StreamErrorException(StreamErrorCondition.NotWellFormed, "the xmlns prefix names no element");
        }

        var ns = Resolve(_tagPrefix ?? "");
        if (isRoot && (_tagLocal != "stream" || ns != Namespaces.Streams))
        {
            // RFC 6120 §4.9.3.10: the root must be <stream/> qualified by the streams namespace.
            throw new StreamErrorException(StreamErrorCondition.InvalidNamespace, "the root must be stream in " + Namespaces.Streams);
        }

        if (!isRoot && _open.Count == 0 && _tagLocal == "stream" && ns == Namespaces.Streams)
        {
            // RFC 6120 §4.9.3.1: a header is only valid as the root (a restart resets the reader first, §4.3.3).
            // Read as a top-level element it would swallow every later stanza until the size limit; fail now.
            throw new StreamErrorException(StreamErrorCondition.BadFormat, "a stream header inside the stream");
        }

        var element = new Element(_tagLocal, ns);
        foreach (var a in attributes)
        {
            if (a.Prefix == "xmlns" || (a.Prefix is null && a.Local == "xmlns"))
            {
                // Namespace declarations are scope, not attributes of the tree.
                continue;
            }

            var attributeNs = a.Prefix is null ? null : Resolve(a.Prefix);

            // Namespaces in XML §6.3: no two attributes with the same expanded name.
            if (element.GetAttribute(a.Local, attributeNs) is not null)
            {
                throw new StreamErrorException(StreamErrorCondition.NotWellFormed, $"duplicate attribute '{a.Local}'");
            }

            element.AppendAttribute(new XmlAttribute(a.Local, a.Value, attributeNs));
        }

        attributes.Clear();

        if (isRoot)
        {
            _rootOpen = true;
            StreamNamespace = _scope.Lookup("");
            _event = new XmlStreamEvent(XmlStreamEventKind.StreamOpened, element);
            _closePending = isEmpty;
            EndCounting();
            _state = isEmpty ? State.Closed : State.StreamLevel;
            return true;
        }

        if (_open.Count > 0)
        {
            _open[^1].Add(element);
        }

        if (isEmpty)
        {
            _scope.Pop();
            _openNames.Truncate(_openNameStarts[_open.Count + 1]);
            return ElementDone(element);
        }

        _open.Add(element);
        _state = State.Content;
        return false;
    }

    private void DeclarePrefix(string prefix, string uri)
    {
        // Namespaces in XML §3 (Reserved Prefixes and Namespace Names) and §5 (prefixed
        // declarations may not be empty in 1.0). Breaking them is a well-formedness error; the
        // undeclared-prefix case alone is <bad-namespace-prefix/>.
        if (prefix == "xmlns" || uri == Namespaces.Xmlns
            || (prefix == "xml") != (uri == Namespaces.Xml)
            || (prefix.Length > 0 && uri.Length == 0))
        {
            throw new StreamErrorException(StreamErrorCondition.NotWellFormed, $"illegal declaration of prefix '{prefix}'");
        }

        // Bytes alone bound how many declarations arrive, not what each later lookup and pop cost.
        if (_scope.DeclaredByInnermost >= Limits.MaxNamespaceDeclarations)
        {
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "too many namespace declarations on one element");
        }

        if (_scope.Count >= Limits.MaxNamespaceDeclarationsInScope)
        {
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "too many namespace declarations in scope");
        }

        _scope.Declare(prefix, uri);
    }

    private string Resolve(string prefix) =>
        _scope.Lookup(prefix)
        ?? throw new StreamErrorException(StreamErrorCondition.BadNamespacePrefix, $"undeclared prefix '{prefix}'");

    /// <summary>Completes an end tag; the name must match the innermost open element's byte for byte.</summary>
    private bool CompleteEndTag(ReadOnlySpan<byte> qname)
    {
        var depth = _open.Count;
        var start = _openNameStarts[depth];
        if (!_openNames.Span[start..].SequenceEqual(qname))
        {
            throw new StreamErrorException(StreamErrorCondition.NotWellFormed, "end tag does not match start tag");
        }

        _openNames.Truncate(start);
        _scope.Pop();
        if (depth == 0)
        {
            // RFC 6120 §4.4: the closing stream tag; whatever follows is ignored.
            _event = new XmlStreamEvent(XmlStreamEventKind.StreamClosed, null);
            _state = State.Closed;
            EndCounting();
            return true;
        }

        var element = _open[^1];
        _open.RemoveAt(_open.Count - 1);
        return ElementDone(element);
    }

    private bool ElementDone(Element element)
    {
        if (_open.Count > 0)
        {
            _state = State.Content;
            return false;
        }

        _event = new XmlStreamEvent(XmlStreamEventKind.Element, element);
        _state = State.StreamLevel;
        EndCounting();
        ShrinkBuffers();
        return true;
    }

    private void FlushText()
    {
        if (_text.Length > 0)
        {
            if (_text.Length > Limits.MaxTextBytes)
            {
                throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "text too long");
            }

            _open[^1].Add(new TextNode(System.Text.Encoding.UTF8.GetString(_text.Span)));
            _text.Clear();
        }
    }

    private readonly record struct RawAttribute(string? Prefix, string Local, string Value);
}
