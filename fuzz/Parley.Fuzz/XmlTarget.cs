using System.Buffers;
using System.Text;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Fuzz;

/// <summary>
/// The XML stream reader (src/Parley.Xmpp/Xml) fed as a client's bytes would arrive: the input is
/// read once whole and once cut into small chunks, and both readings must agree event for event
/// and error for error (a partial read changes nothing). Every element the reader returns must
/// survive the writer: re-serialized, it is read back by Parley to the same bytes and by
/// System.Xml's strict reader to the same tree (RFC 6120 §11 restricted XML; no stanza smuggling).
/// </summary>
internal static class XmlTarget
{
    // Small limits, so that every limit is within reach of short inputs and its edge is fuzzed too.
    private static readonly XmlLimits Limits = new()
    {
        MaxStanzaBytes = 2048,
        MaxDepth = 8,
        MaxAttributes = 8,
        MaxNameLength = 32,
        MaxStreamHeaderBytes = 512,
    };

    // Re-reading what the writer produced checks well-formedness, not the limits: the writer may
    // lengthen an input (escapes, generated prefixes), which is not a bug.
    private static readonly XmlLimits Generous = new()
    {
        MaxStanzaBytes = 1 << 20,
        MaxDepth = 64,
        MaxAttributes = 256,
        MaxNameLength = 1024,
        MaxStreamHeaderBytes = 1 << 16,
    };

    public static void Run(ReadOnlySpan<byte> input)
    {
        var whole = Read(input, input.Length);

        // Chunk sizes of 1 to 7 bytes, cycling from a start that depends on the length, so that
        // token boundaries fall everywhere across the corpus while each input reads the same way
        // on every run (afl-fuzz wants deterministic targets).
        var chunked = Read(input, 0);
        if (!whole.SequenceEqual(chunked))
        {
            throw new InvariantViolationException(
                "whole and chunked reads differ:\n  whole:   " + string.Join(" | ", whole) + "\n  chunked: " + string.Join(" | ", chunked));
        }

        // And once as a single sequence of many small segments, as a pipe holds data that spans
        // its buffers: events found in a later segment must slice the sequence at the right place.
        var segmented = ReadSegmented(input);
        if (!whole.SequenceEqual(segmented))
        {
            throw new InvariantViolationException(
                "whole and segmented reads differ:\n  whole:     " + string.Join(" | ", whole) + "\n  segmented: " + string.Join(" | ", segmented));
        }
    }

    private static List<string> ReadSegmented(ReadOnlySpan<byte> input)
    {
        var reader = new XmppStreamReader(Limits);
        var log = new List<string>();
        var sequence = ChainedSegment.Split(input, (input.Length + 3) % 7);
        try
        {
            while (reader.TryRead(ref sequence, out var streamEvent))
            {
                log.Add(Describe(reader, streamEvent));
            }

            if (!sequence.IsEmpty)
            {
                throw new InvariantViolationException("TryRead returned false with bytes left unconsumed");
            }
        }
        catch (StreamErrorException e)
        {
            log.Add("error " + e.Condition);
        }

        return log;
    }

    /// <summary>Reads the stream; returns its events and, last, the error that ended it, as text.</summary>
    /// <param name="chunk">Bytes per read, or 0 for the cycling small chunks.</param>
    private static List<string> Read(ReadOnlySpan<byte> input, int chunk)
    {
        var reader = new XmppStreamReader(Limits);
        var log = new List<string>();
        var cycle = input.Length % 7;
        var offset = 0;
        var headerEnd = 0;
        Element? header = null;
        try
        {
            do
            {
                var size = chunk > 0 ? chunk : 1 + (cycle++ % 7);
                var piece = input.Slice(offset, Math.Min(size, input.Length - offset));
                offset += piece.Length;

                // A fresh array per read, as a pipe hands out a new segment: the reader must not
                // keep references into a buffer it has returned.
                var sequence = new ReadOnlySequence<byte>(piece.ToArray());
                var start = 0;
                while (reader.TryRead(ref sequence, out var streamEvent))
                {
                    log.Add(Describe(reader, streamEvent));
                    var end = piece.Length - (int)sequence.Length;
                    if (chunk == input.Length)
                    {
                        // Read whole, the input's own bytes of each event are known: the header's
                        // and each stanza's go to System.Xml as a document of their own.
                        if (streamEvent.Kind == XmlStreamEventKind.StreamOpened)
                        {
                            headerEnd = end;
                            header = streamEvent.Element;
                        }
                        else if (streamEvent is { Kind: XmlStreamEventKind.Element, Element: { } element } && header is not null)
                        {
                            SystemXmlDifferential.CheckInput(input[..headerEnd], header, input[start..end], element);
                        }
                    }

                    start = end;
                }

                if (!sequence.IsEmpty)
                {
                    throw new InvariantViolationException("TryRead returned false with bytes left unconsumed");
                }
            }
            while (offset < input.Length);
        }
        catch (StreamErrorException e)
        {
            log.Add("error " + e.Condition);
        }

        return log;
    }

    private static string Describe(XmppStreamReader reader, XmlStreamEvent streamEvent)
    {
        switch (streamEvent.Kind)
        {
            case XmlStreamEventKind.StreamOpened:
                var header = streamEvent.Element ?? throw new InvariantViolationException("StreamOpened without an element");
                if (header.Nodes.Count != 0)
                {
                    throw new InvariantViolationException("the stream header has children");
                }

                CheckLimits(header, 0);
                return "open " + reader.StreamNamespace + " " + ElementWriter.ToXml(header);
            case XmlStreamEventKind.Element:
                var element = streamEvent.Element ?? throw new InvariantViolationException("Element event without an element");
                var context = reader.StreamNamespace ?? throw new InvariantViolationException("an element before the stream namespace");
                CheckLimits(element, 1);
                var xml = ElementWriter.ToXml(element, context);
                CheckRoundTrip(element, xml, context);
                return "element " + xml;
            default:
                if (streamEvent.Element is not null)
                {
                    throw new InvariantViolationException("StreamClosed with an element");
                }

                return "close";
        }
    }

    /// <summary>An element the reader returns is within every limit it was given (the header is level 0, a stanza level 1).</summary>
    private static void CheckLimits(Element element, int depth)
    {
        if (depth > Limits.MaxDepth
            || element.Attributes.Count > Limits.MaxAttributes
            || CodePoints(element.Name) > Limits.MaxNameLength
            || element.Attributes.Any(a => CodePoints(a.Name) > Limits.MaxNameLength))
        {
            throw new InvariantViolationException($"<{element.Name}/> at depth {depth} is beyond the limits");
        }

        foreach (var child in element.Children())
        {
            CheckLimits(child, depth + 1);
        }
    }

    private static int CodePoints(string name) => name.EnumerateRunes().Count();

    /// <summary>What the writer wrote from an accepted element, Parley and System.Xml read back as that element.</summary>
    private static void CheckRoundTrip(Element element, string xml, string context)
    {
        var header = new ArrayBufferWriter<byte>();
        ElementWriter.WriteStreamHeader(header, context, []);
        var bytes = new ArrayBufferWriter<byte>();
        bytes.Write(header.WrittenSpan);
        bytes.Write(Encoding.UTF8.GetBytes(xml));
        var sequence = new ReadOnlySequence<byte>(bytes.WrittenMemory);

        var reader = new XmppStreamReader(Generous);
        Element? again = null;
        try
        {
            if (!reader.TryRead(ref sequence, out var opened) || opened.Kind != XmlStreamEventKind.StreamOpened
                || !reader.TryRead(ref sequence, out var read) || read.Kind != XmlStreamEventKind.Element)
            {
                throw new InvariantViolationException("the writer's output is not one element: " + xml);
            }

            again = read.Element!;
        }
        catch (StreamErrorException e)
        {
            throw new InvariantViolationException($"the writer's output is refused ({e.Condition}): {xml}", e);
        }

        var rewritten = ElementWriter.ToXml(again, context);
        if (rewritten != xml)
        {
            throw new InvariantViolationException($"the writer's output reads back differently:\n  {xml}\n  {rewritten}");
        }

        SystemXmlDifferential.Check(element, xml, context);
    }
}
