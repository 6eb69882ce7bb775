using Parley.Xmpp.Streams;

namespace Parley.Xmpp.Xml;

/// <summary>
/// The byte-level state machine: one state per position in the grammar, one byte at a time,
/// with bulk copies of plain character data. Partial tokens live in pooled buffers, so input may
/// be cut anywhere, including inside a UTF-8 sequence.
/// </summary>
public sealed partial class XmppStreamReader
{
    private readonly ByteBuffer _text = new(1024);
    private readonly ByteBuffer _value = new(256);
    private readonly ByteBuffer _token = new(64);

    private State _state;
    private bool _bomDone;
    private bool _declarationAllowed;

    // Set by Reset: the stream is a restart (RFC 6120 §4.3.3), where whitespace may precede the declaration.
    private bool _restarted;
    private bool _sawSpace;
    private bool _afterCr;
    private byte _quote;
    private int _brackets;
    private int _nameChars;
    private int _cdataMatched;
    private string? _attributePrefix;
    private string _attributeLocal = "";

    // Bytes of the tag or top-level element being read, against the limit that applies (0 = not counting).
    private int _counted;
    private int _countLimit;

    private Utf8Validator _utf8;

    private enum State : byte
    {
        Prolog,
        Bom2,
        Bom3,
        PrologMisc,
        PrologTagOpen,
        Declaration,
        StreamLevel,
        Content,
        TagOpen,
        StartTagName,
        InTag,
        EmptyTagClose,
        AttributeName,
        AfterAttributeName,
        BeforeAttributeValue,
        AttributeValue,
        EndTagName,
        AfterEndTagName,
        Entity,
        CharRef,
        CharRefDigits,
        Bang,
        CDataOpen,
        CData,
        Closed,
    }

    private void ResetScanner()
    {
        _state = State.Prolog;
        _text.Shrink();
        _value.Shrink();
        _token.Shrink();
        _bomDone = false;
        _declarationAllowed = false;
        _sawSpace = false;
        _afterCr = false;
        _brackets = 0;
        _counted = 0;
        _countLimit = 0;
        _utf8.Reset();
    }

    /// <summary>Consumes bytes of <paramref name="span"/> from <paramref name="i"/> until an event is ready (true) or the span ends.</summary>
    private bool Scan(ReadOnlySpan<byte> span, ref int i)
    {
        // Cleared once the span is known to hold invalid UTF-8 ahead, which the per-byte path must find.
        var bulkUtf8 = true;
        while (i < span.Length)
        {
            var state = _state;
            if (state == State.Closed)
            {
                // RFC 6120 §4.4: nothing after the closing tag is processed.
                i = span.Length;
                return false;
            }

            if (_utf8.AtBoundary && !_afterCr
                && (state == State.AttributeValue || (_brackets == 0 && state is State.Content or State.CData)))
            {
                var rest = span[i..];
                var run = PlainRun(rest, ref bulkUtf8);
                if (run > 0)
                {
                    Count(run);
                    (state == State.AttributeValue ? _value : _text).Add(rest[..run]);
                    i += run;
                    continue;
                }
            }

            var b = span[i++];
            if (_countLimit != 0)
            {
                Count(1);
            }

            if (b >= 0x80 || !_utf8.AtBoundary)
            {
                _utf8.Add(b);
            }
            else if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                throw ForbiddenControl(b);
            }

            if (Step(b))
            {
                return true;
            }
        }

        return false;
    }

    private bool Step(byte b)
    {
        switch (_state)
        {
            case State.Prolog:
                if (b == 0xEF && !_bomDone)
                {
                    // XML 1.0 Appendix F: a UTF-8 byte order mark may precede the document.
                    _state = State.Bom2;
                }
                else if (b == '<')
                {
                    _declarationAllowed = true;
                    StartCounting(Limits.MaxStreamHeaderBytes);
                    _state = State.PrologTagOpen;
                }
                else
                {
                    _state = IsSpace(b) ? State.PrologMisc : throw NotWellFormed("text before the stream header");

                    // XML 1.0 §2.8 puts the declaration first, but clients write a keepalive or line
                    // break after </auth> and the restarted stream's declaration after <success/>
                    // (go-xmpp: "</auth>\n", then "<?xml ...?>"); like Prosody and ejabberd, that
                    // whitespace is accepted on a restart. Only whitespace: anything else still fails.
                    _declarationAllowed = _restarted;
                }

                _bomDone = true;
                return false;
            case State.Bom2:
                _state = b == 0xBB ? State.Bom3 : throw NotWellFormed("text before the stream header");
                return false;
            case State.Bom3:
                _state = b == 0xBF ? State.Prolog : throw NotWellFormed("text before the stream header");
                return false;
            case State.PrologMisc:
                if (b == '<')
                {
                    StartCounting(Limits.MaxStreamHeaderBytes);
                    _state = State.PrologTagOpen;
                }
                else if (!IsSpace(b))
                {
                    throw NotWellFormed("text before the stream header");
                }

                return false;
            case State.PrologTagOpen:
                if (b == '?')
                {
                    // RFC 6120 §11.1: only the XML declaration, and only at the very start (XML 1.0 §2.8).
                    _state = _declarationAllowed ? State.Declaration : throw Restricted("processing instructions are not allowed");
                    _token.Clear();
                }
                else if (b == '!')
                {
                    throw Restricted("comments and document type declarations are not allowed");
                }
                else
                {
                    BeginName(b, State.StartTagName);
                }

                return false;
            case State.Declaration:
                if (b == '>' && _token.Length > 0 && _token.Span[^1] == '?')
                {
                    XmlDeclaration.Validate(_token.Span[..^1]);
                    EndCounting();
                    _declarationAllowed = false;
                    _state = State.PrologMisc;
                }
                else
                {
                    _token.Add(b);
                }

                return false;
            case State.StreamLevel:
                if (b == '<')
                {
                    StartCounting(Limits.MaxStanzaBytes);
                    _state = State.TagOpen;
                }
                else if (!IsSpace(b))
                {
                    // Only whitespace (keepalives, RFC 6120 §4.6.1) may sit between top-level elements.
                    throw NotWellFormed("character data at stream level");
                }

                return false;
            case State.Content:
                ContentByte(b);
                return false;
            case State.TagOpen:
                return TagOpen(b);
            case State.StartTagName:
                if (IsSpace(b) || b == '/' || b == '>')
                {
                    ReadQName(_token.Span, out _tagPrefix, out _tagLocal);
                    PushOpenName(_token.Span);
                    _sawSpace = true;
                    _state = b == '/' ? State.EmptyTagClose : State.InTag;
                    return b == '>' && CompleteStartTag(isEmpty: false);
                }

                AddNameByte(b);
                return false;
            case State.InTag:
                return InTag(b);
            case State.EmptyTagClose:
                return b == '>' ? CompleteStartTag(isEmpty: true) : throw NotWellFormed("expected '>' after '/'");
            case State.AttributeName:
                if (IsSpace(b) || b == '=')
                {
                    ReadQName(_token.Span, out _attributePrefix, out _attributeLocal);
                    _state = b == '=' ? State.BeforeAttributeValue : State.AfterAttributeName;
                }
                else if (b is (byte)'/' or (byte)'>')
                {
                    throw NotWellFormed("attribute without a value");
                }
                else
                {
                    AddNameByte(b);
                }

                return false;
            case State.AfterAttributeName:
                _state = b == '=' ? State.BeforeAttributeValue : IsSpace(b) ? _state : throw NotWellFormed("expected '='");
                return false;
            case State.BeforeAttributeValue:
                if (b is (byte)'\'' or (byte)'"')
                {
                    _quote = b;
                    _value.Clear();
                    _state = State.AttributeValue;
                }
                else if (!IsSpace(b))
                {
                    throw NotWellFormed("attribute value without quotes");
                }

                return false;
            case State.AttributeValue:
                AttributeValueByte(b);
                return false;
            case State.EndTagName:
                if (_token.Length == 0 && !IsNameStartByte(b))
                {
                    throw NotWellFormed("malformed end tag");
                }

                if (IsSpace(b))
                {
                    _state = State.AfterEndTagName;
                    return false;
                }

                if (b == '>')
                {
                    return CompleteEndTag(_token.Span);
                }

                AddNameByte(b);
                return false;
            case State.AfterEndTagName:
                return b == '>' ? CompleteEndTag(_token.Span) : IsSpace(b) ? false : throw NotWellFormed("malformed end tag");
            case State.Entity:
                EntityByte(b);
                return false;
            case State.CharRef:
                CharRefByte(b);
                return false;
            case State.CharRefDigits:
                CharRefDigitByte(b);
                return false;
            case State.Bang:
                if (b == '[' && _open.Count > 0)
                {
                    _cdataMatched = 0;
                    _state = State.CDataOpen;
                    return false;
                }

                // RFC 6120 §11.1: comments and DTDs are restricted; anything else after "<!" is malformed.
                throw b is (byte)'-' or (byte)'D' ? Restricted("comments and document type declarations are not allowed") : NotWellFormed("malformed markup after '<!'");
            case State.CDataOpen:
                if (b != "CDATA["u8[_cdataMatched])
                {
                    throw NotWellFormed("malformed CDATA section");
                }

                if (++_cdataMatched == 6)
                {
                    _brackets = 0;
                    _state = State.CData;
                }

                return false;
            case State.CData:
                CDataByte(b);
                return false;
            default:
                return false;
        }
    }

    private bool TagOpen(byte b)
    {
        switch (b)
        {
            case (byte)'/':
                FlushTextIfOpen();
                _token.Clear();
                _nameChars = 0;
                _state = State.EndTagName;
                return false;
            case (byte)'!':
                _state = State.Bang;
                return false;
            case (byte)'?':
                throw Restricted("processing instructions are not allowed");
            default:
                FlushTextIfOpen();
                BeginName(b, State.StartTagName);
                return false;
        }
    }

    private bool InTag(byte b)
    {
        if (IsSpace(b))
        {
            _sawSpace = true;
            return false;
        }

        if (b == '/')
        {
            _state = State.EmptyTagClose;
            return false;
        }

        if (b == '>')
        {
            return CompleteStartTag(isEmpty: false);
        }

        if (!_sawSpace)
        {
            throw NotWellFormed("attributes must be separated by whitespace");
        }

        if (_rawAttributes.Count >= Limits.MaxAttributes)
        {
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "too many attributes");
        }

        BeginName(b, State.AttributeName);
        return false;
    }

    private void BeginName(byte b, State state)
    {
        if (!IsNameStartByte(b))
        {
            throw NotWellFormed("malformed tag");
        }

        _token.Clear();
        _token.Add(b);
        _nameChars = 1;
        _state = state;
    }

    private void AddNameByte(byte b)
    {
        _token.Add(b);

        // Counted in code points: continuation bytes do not start a character.
        if ((b & 0xC0) != 0x80 && ++_nameChars > Limits.MaxNameLength)
        {
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "name too long");
        }
    }

    private void FlushTextIfOpen()
    {
        if (_open.Count > 0)
        {
            FlushText();
        }
    }

    private void StartCounting(int limit)
    {
        _counted = 1;
        _countLimit = limit;
    }

    private void EndCounting() => _countLimit = 0;

    private void Count(int bytes)
    {
        if (_countLimit == 0)
        {
            return;
        }

        _counted += bytes;
        if (_counted > _countLimit)
        {
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation,
                _rootOpen ? "stanza too large" : "stream header too large");
        }
    }

    private void ShrinkBuffers()
    {
        _text.Shrink();
        _value.Shrink();
        _token.Shrink();
    }

    private StreamErrorException ForbiddenControl(byte b) =>
        b == 0 && !_rootOpen
            // A NUL before the header is the signature of UTF-16 or UTF-32 (XML 1.0 Appendix F).
            ? new StreamErrorException(StreamErrorCondition.UnsupportedEncoding, "only UTF-8 is supported")
            : NotWellFormed($"control character U+{b:X4} is not an XML character");

    private static StreamErrorException NotWellFormed(string text) => new(StreamErrorCondition.NotWellFormed, text);

    private static StreamErrorException Restricted(string text) => new(StreamErrorCondition.RestrictedXml, text);

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool IsNameStartByte(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a' || b == '_' || b >= 0x80;

}
