using Parley.Xmpp.Streams;

namespace Parley.Xmpp.Xml;

/// <summary>
/// Checks UTF-8 as bytes arrive, one at a time, across any split (Unicode Table 3-7 "Well-Formed
/// UTF-8 Byte Sequences"): each lead byte fixes the range its next byte must fall in, which rules
/// out overlong forms, surrogates and values above U+10FFFF. Also refuses U+FFFE and U+FFFF,
/// which are valid UTF-8 but not XML characters (XML 1.0 §2.2).
/// </summary>
internal struct Utf8Validator
{
    private int _need;
    private int _code;
    private byte _low;
    private byte _high;

    /// <summary>True between characters, false inside a multi-byte sequence.</summary>
    public readonly bool AtBoundary => _need == 0;

    // EF BF BE and EF BF BF encode U+FFFE and U+FFFF.
    private static ReadOnlySpan<byte> NonCharacterPrefix => [0xEF, 0xBF];

    public void Reset() => _need = 0;

    /// <summary>Takes the next byte; call it for every byte at or above 0x80 and for every byte while not at a boundary.</summary>
    public void Add(byte b)
    {
        if (_need == 0)
        {
            (_need, _low, _high, _code) = b switch
            {
                >= 0xC2 and <= 0xDF => (1, (byte)0x80, (byte)0xBF, b & 0x1F),
                0xE0 => (2, (byte)0xA0, (byte)0xBF, 0),
                0xED => (2, (byte)0x80, (byte)0x9F, 0xD), // no surrogates
                >= 0xE1 and <= 0xEF => (2, (byte)0x80, (byte)0xBF, b & 0x0F),
                0xF0 => (3, (byte)0x90, (byte)0xBF, 0),
                >= 0xF1 and <= 0xF3 => (3, (byte)0x80, (byte)0xBF, b & 0x07),
                0xF4 => (3, (byte)0x80, (byte)0x8F, 4), // nothing above U+10FFFF
                _ => throw Invalid(),
            };
            return;
        }

        if (b < _low || b > _high)
        {
            throw Invalid();
        }

        _code = (_code << 6) | (b & 0x3F);
        _low = 0x80;
        _high = 0xBF;
        if (--_need == 0 && _code is 0xFFFE or 0xFFFF)
        {
            throw NonCharacter();
        }
    }

    /// <summary>
    /// The length of the front of <paramref name="run"/> that is valid UTF-8 of XML characters and
    /// ends on a character boundary, so it can be taken in bulk; 0 when the run holds any fault
    /// (the byte-wise path then reports it precisely) or only a cut sequence.
    /// </summary>
    public static int ValidLength(ReadOnlySpan<byte> run)
    {
        if (run.IsEmpty)
        {
            return 0;
        }

        // A sequence cut by the end of the run is left to the byte-wise path, which keeps its state.
        var lead = run.Length - 1;
        while (lead > 0 && lead > run.Length - 4 && (run[lead] & 0xC0) == 0x80)
        {
            lead--;
        }

        var length = run[lead] switch
        {
            < 0x80 => 1,
            >= 0xF0 => 4,
            >= 0xE0 => 3,
            _ => 2,
        };
        if (lead + length > run.Length)
        {
            run = run[..lead];
        }

        // Utf8.IsValid applies the same Table 3-7 rules as Add.
        if (!System.Text.Unicode.Utf8.IsValid(run))
        {
            return 0;
        }

        var offset = 0;
        for (var at = run.IndexOf(NonCharacterPrefix); at >= 0; at = run[offset..].IndexOf(NonCharacterPrefix))
        {
            // The run ends on a boundary, so the third byte of EF BF xx is there.
            if (run[offset + at + 2] >= 0xBE)
            {
                return 0;
            }

            offset += at + 1;
        }

        return run.Length;
    }

    private static StreamErrorException Invalid() =>
        // RFC 6120 §4.9.3.22 and §11.6: the stream must be UTF-8.
        new(StreamErrorCondition.UnsupportedEncoding, "invalid UTF-8");

    private static StreamErrorException NonCharacter() =>
        new(StreamErrorCondition.NotWellFormed, "U+FFFE and U+FFFF are not XML characters");
}
