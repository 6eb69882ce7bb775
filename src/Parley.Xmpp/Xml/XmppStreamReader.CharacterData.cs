using System.Buffers;
using System.Text;
using Parley.Xmpp.Streams;

namespace Parley.Xmpp.Xml;

/// <summary>
/// Character data: text, CDATA sections and attribute values, with end-of-line handling,
/// attribute-value normalization and references. Plain runs are copied in bulk.
/// </summary>
public sealed partial class XmppStreamReader
{
    // Bytes that end a run of plain character data: markup, ']' (for "]]>"), CR (end-of-line
    // handling, XML 1.0 §2.11), C0 controls (XML 1.0 §2.2) and every non-ASCII byte (UTF-8 checks).
    private static readonly SearchValues<byte> TextStops = SearchValues.Create(Stops("<&]\r"));

    // In attribute values also the quotes and the whitespace that normalization (XML 1.0 §3.3.3) replaces.
    private static readonly SearchValues<byte> AttributeStops = SearchValues.Create(Stops("<&'\"\t\n\r"));

    // The same without the non-ASCII bytes: ends of runs that are validated as UTF-8 in bulk.
    private static readonly SearchValues<byte> TextAsciiStops = SearchValues.Create(Stops("<&]\r", nonAscii: false));
    private static readonly SearchValues<byte> AttributeAsciiStops = SearchValues.Create(Stops("<&'\"\t\n\r", nonAscii: false));

    private State _entityReturn;
    private bool _charRefHex;
    private int _charRefValue;
    private int _charRefDigits;

    /// <summary>
    /// The length of plain character data at the front of <paramref name="rest"/> that can be
    /// copied as is; 0 when the next byte needs the per-byte path. <paramref name="bulkUtf8"/>
    /// is cleared once a run proved invalid, so the per-byte path finds the fault without the
    /// run being checked again for every byte.
    /// </summary>
    private int PlainRun(ReadOnlySpan<byte> rest, ref bool bulkUtf8)
    {
        var inAttribute = _state == State.AttributeValue;
        var run = rest.IndexOfAny(inAttribute ? AttributeStops : TextStops);
        if (run < 0)
        {
            return rest.Length;
        }

        if (run == 0 && rest[0] >= 0x80 && bulkUtf8)
        {
            var end = rest.IndexOfAny(inAttribute ? AttributeAsciiStops : TextAsciiStops);
            run = Utf8Validator.ValidLength(end < 0 ? rest : rest[..end]);
            bulkUtf8 = run > 0;
        }

        return run;
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
            if (_value.Length > Limits.MaxAttributeValueBytes)
            {
                throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "attribute value too long");
            }

            var isNamespace = _attributePrefix == "xmlns" || (_attributePrefix is null && _attributeLocal == "xmlns");
            _rawAttributes.Add(new RawAttribute(_attributePrefix, _attributeLocal, AttributeValueString(isNamespace)));
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

    private string AttributeValueString(bool isNamespace)
    {
        var bytes = _value.Span;
        if (bytes.IsEmpty)
        {
            return "";
        }

        if (isNamespace)
        {
            // Namespace names repeat on every stanza; keep one instance.
            return _names.Get(DecodeChars(bytes));
        }

        if (bytes.Length <= 16 && Ascii.IsValid(bytes))
        {
            // Short values such as type='chat' or xml:lang='en' come from a small vocabulary.
            Span<char> chars = stackalloc char[16];
            Ascii.ToUtf16(bytes, chars, out var written);
            return _names.GetCommon(chars[..written]) ?? new string(chars[..written]);
        }

        return Encoding.UTF8.GetString(bytes);
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

    private static byte[] Stops(string markup, bool nonAscii = true)
    {
        var stops = new List<byte>(Encoding.ASCII.GetBytes(markup));
        for (var b = 0; b < 0x20; b++)
        {
            if (b is not ('\t' or '\n' or '\r'))
            {
                stops.Add((byte)b);
            }
        }

        for (var b = 0x80; nonAscii && b <= 0xFF; b++)
        {
            stops.Add((byte)b);
        }

        return [.. stops];
    }
}
