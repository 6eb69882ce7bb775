using System.Buffers;
using System.Text;
using Parley.Xmpp.Streams;

namespace Parley.Xmpp.Xml;

/// <summary>
/// The byte-level state machine: one state per position in the grammar, one byte at a time,
/// with bulk copies of plain character data. Partial tokens live in pooled buffers, so input may
/// be cut anywhere, including inside a UTF-8 sequence.
/// </summary>
public sealed partial class XmppStreamReader
{
    // Bytes that end a run of plain character data: markup, ']' (for "]]>"), CR (end-of-line
    // handling, XML 1.0 §2.11), C0 controls (XML 1.0 §2.2) and every non-ASCII byte (UTF-8 checks).
    private static readonly SearchValues<byte> TextStops = SearchValues.Create(Stops("<&]\r"));

    // In attribute values also the quotes and the whitespace that normalization (XML 1.0 §3.3.3) replaces.
    private static readonly SearchValues<byte> AttributeStops = SearchValues.Create(Stops("<&'\"\t\n\r"));

    private readonly ByteBuffer _text = new(1024);
    private readonly ByteBuffer _value = new(256);
    private readonly ByteBuffer _token = new(64);

    private State _state;
    private State _entityReturn;
    private bool _bomDone;
    private bool _declarationAllowed;
    private bool _sawSpace;
    private bool _afterCr;
    private byte _quote;
    private int _brackets;
    private int _nameChars;
    private int _cdataMatched;
    private bool _charRefHex;
    private int _charRefValue;
    private int _charRefDigits;
    private string? _attributePrefix;
    private string _attributeLocal = "";

    // Bytes of the tag or top-level element being read, against the limit that applies (0 = not counting).
    private int _counted;
    private int _countLimit;

    // UTF-8 decoding state (Unicode 15 Table 3-7): continuation bytes still expected and the range
    // the next one must fall in, which rules out overlong forms, surrogates and values above U+10FFFF.
    private int _utf8Need;
    private int _utf8Code;
    private byte _utf8Low;
    private byte _utf8High;

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
        _utf8Need = 0;
    }

    /// <summary>Consumes bytes of <paramref name="span"/> from <paramref name="i"/> until an event is ready (true) or the span ends.</summary>
    private bool Scan(ReadOnlySpan<byte> span, ref int i)
    {
        while (i < span.Length)
        {
            var state = _state;
            if (state == State.Closed)
            {
                // RFC 6120 §4.4: nothing after the closing tag is processed.
                i = span.Length;
                return false;
            }

            if (_utf8Need == 0 && !_afterCr
                && (state == State.AttributeValue || (_brackets == 0 && state is State.Content or State.CData)))
            {
                var rest = span[i..];
                var run = rest.IndexOfAny(state == State.AttributeValue ? AttributeStops : TextStops);
                if (run < 0)
                {
                    run = rest.Length;
                }

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

            if (b >= 0x80 || _utf8Need != 0)
            {
                DecodeUtf8(b);
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
                    _declarationAllowed = false;
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

    private void ContentByte(byte b)
    {
        if (_afterCr)
        {
            _afterCr = false;
            if (b == '\n')
            {
                return;
            }
        }

        switch (b)
        {
            case (byte)'<':
                _brackets = 0;
                _state = State.TagOpen;
                return;
            case (byte)'&':
                _brackets = 0;
                BeginEntity(State.Content);
                return;
            case (byte)']':
                _brackets++;
                _text.Add(b);
                return;
            case (byte)'>' when _brackets >= 2:
                // XML 1.0 §2.4: "]]>" may not appear in character data.
                throw NotWellFormed("']]>' in character data");
            case (byte)'\r':
                // XML 1.0 §2.11: CR LF and lone CR become LF.
                _brackets = 0;
                _afterCr = true;
                _text.Add((byte)'\n');
                return;
            default:
                _brackets = 0;
                _text.Add(b);
                return;
        }
    }

    private void CDataByte(byte b)
    {
        if (_afterCr)
        {
            _afterCr = false;
            if (b == '\n')
            {
                return;
            }
        }

        if (b == ']')
        {
            _brackets++;
            return;
        }

        if (b == '>' && _brackets >= 2)
        {
            AddBrackets(_brackets - 2);
            _brackets = 0;
            _state = State.Content;
            return;
        }

        AddBrackets(_brackets);
        _brackets = 0;
        if (b == '\r')
        {
            _afterCr = true;
            b = (byte)'\n';
        }

        _text.Add(b);
    }

    private void AddBrackets(int count)
    {
        for (var k = 0; k < count; k++)
        {
            _text.Add((byte)']');
        }
    }

    private void AttributeValueByte(byte b)
    {
        if (_afterCr)
        {
            _afterCr = false;
            if (b == '\n')
            {
                return;
            }
        }

        if (b == _quote)
        {
            var value = _value.Length == 0 ? "" : Encoding.UTF8.GetString(_value.Span);
            if (_attributePrefix == "xmlns" || (_attributePrefix is null && _attributeLocal == "xmlns"))
            {
                // Namespace names repeat on every stanza; keep one instance.
                value = _names.Get(value);
            }

            _rawAttributes.Add(new RawAttribute(_attributePrefix, _attributeLocal, value));
            _sawSpace = false;
            _state = State.InTag;
            return;
        }

        switch (b)
        {
            case (byte)'<':
                // XML 1.0 §3.1 (No < in Attribute Values).
                throw NotWellFormed("'<' in an attribute value");
            case (byte)'&':
                BeginEntity(State.AttributeValue);
                return;
            case (byte)'\r':
                _afterCr = true;
                _value.Add((byte)' ');
                return;
            case (byte)'\t' or (byte)'\n':
                // XML 1.0 §3.3.3: literal whitespace in attribute values becomes a space.
                _value.Add((byte)' ');
                return;
            default:
                _value.Add(b);
                return;
        }
    }

    private void BeginEntity(State returnState)
    {
        _entityReturn = returnState;
        _token.Clear();
        _state = State.Entity;
    }

    private void EntityByte(byte b)
    {
        if (b == '#' && _token.Length == 0)
        {
            _state = State.CharRef;
            return;
        }

        if (b == ';')
        {
            var token = _token.Span;
            var c = token.SequenceEqual("amp"u8) ? (byte)'&'
                : token.SequenceEqual("lt"u8) ? (byte)'<'
                : token.SequenceEqual("gt"u8) ? (byte)'>'
                : token.SequenceEqual("quot"u8) ? (byte)'"'
                : token.SequenceEqual("apos"u8) ? (byte)'\''
                : token.IsEmpty ? throw NotWellFormed("empty entity reference")
                : throw Restricted("only the predefined entities may be referenced");
            EntityTarget.Add(c);
            _state = _entityReturn;
            return;
        }

        if (!(b >= 0x80 || IsNameStartByte(b) || (_token.Length > 0 && (b is (byte)'-' or (byte)'.' || (uint)(b - '0') <= 9))))
        {
            throw NotWellFormed("malformed entity reference");
        }

        if (_token.Length >= 8)
        {
            // Longer than any predefined entity: it can only be a reference to a declared one (RFC 6120 §11.1).
            throw Restricted("only the predefined entities may be referenced");
        }

        _token.Add(b);
    }

    private void CharRefByte(byte b)
    {
        _charRefValue = 0;
        _charRefDigits = 0;
        _charRefHex = b == 'x';
        _state = State.CharRefDigits;
        if (!_charRefHex)
        {
            CharRefDigitByte(b);
        }
    }

    private void CharRefDigitByte(byte b)
    {
        if (b == ';' && _charRefDigits > 0)
        {
            // XML 1.0 §4.1 (Legal Character): the referenced character must match Char.
            if (!XmlChars.IsXmlChar(_charRefValue))
            {
                throw NotWellFormed("character reference to a character XML forbids");
            }

            Span<byte> utf8 = stackalloc byte[4];
            var length = new Rune(_charRefValue).EncodeToUtf8(utf8);
            EntityTarget.Add(utf8[..length]);
            _state = _entityReturn;
            return;
        }

        var digit = (uint)(b - '0') <= 9 ? b - '0'
            : _charRefHex && (uint)((b | 0x20) - 'a') <= 5 ? (b | 0x20) - 'a' + 10
            : throw NotWellFormed("malformed character reference");

        // Clamped above the Unicode range, so leading zeros are fine and huge values cannot overflow.
        _charRefValue = Math.Min((_charRefValue * (_charRefHex ? 16 : 10)) + digit, 0x110000);
        _charRefDigits++;
    }

    private ByteBuffer EntityTarget => _entityReturn == State.AttributeValue ? _value : _text;

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

    private void DecodeUtf8(byte b)
    {
        if (_utf8Need == 0)
        {
            (_utf8Need, _utf8Low, _utf8High, _utf8Code) = b switch
            {
                >= 0xC2 and <= 0xDF => (1, (byte)0x80, (byte)0xBF, b & 0x1F),
                0xE0 => (2, (byte)0xA0, (byte)0xBF, 0),
                0xED => (2, (byte)0x80, (byte)0x9F, 0xD), // no surrogates
                >= 0xE1 and <= 0xEF => (2, (byte)0x80, (byte)0xBF, b & 0x0F),
                0xF0 => (3, (byte)0x90, (byte)0xBF, 0),
                >= 0xF1 and <= 0xF3 => (3, (byte)0x80, (byte)0xBF, b & 0x07),
                0xF4 => (3, (byte)0x80, (byte)0x8F, 4), // nothing above U+10FFFF
                _ => throw InvalidUtf8(),
            };
            return;
        }

        if (b < _utf8Low || b > _utf8High)
        {
            throw InvalidUtf8();
        }

        _utf8Code = (_utf8Code << 6) | (b & 0x3F);
        _utf8Low = 0x80;
        _utf8High = 0xBF;
        if (--_utf8Need == 0 && _utf8Code is 0xFFFE or 0xFFFF)
        {
            throw NotWellFormed("U+FFFE and U+FFFF are not XML characters");
        }
    }

    private StreamErrorException ForbiddenControl(byte b) =>
        b == 0 && !_rootOpen
            // A NUL before the header is the signature of UTF-16 or UTF-32 (XML 1.0 Appendix F).
            ? new StreamErrorException(StreamErrorCondition.UnsupportedEncoding, "only UTF-8 is supported")
            : NotWellFormed($"control character U+{b:X4} is not an XML character");

    private static StreamErrorException InvalidUtf8() =>
        // RFC 6120 §4.9.3.22 and §11.6: the stream must be UTF-8.
        new(StreamErrorCondition.UnsupportedEncoding, "invalid UTF-8");

    private static StreamErrorException NotWellFormed(string text) => new(StreamErrorCondition.NotWellFormed, text);

    private static StreamErrorException Restricted(string text) => new(StreamErrorCondition.RestrictedXml, text);

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool IsNameStartByte(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a' || b == '_' || b >= 0x80;

    private static byte[] Stops(string markup)
    {
        var stops = new List<byte>(Encoding.ASCII.GetBytes(markup));
        for (var b = 0; b < 0x20; b++)
        {
            if (b is not ('\t' or '\n' or '\r'))
            {
                stops.Add((byte)b);
            }
        }

        for (var b = 0x80; b <= 0xFF; b++)
        {
            stops.Add((byte)b);
        }

        return [.. stops];
    }
}
