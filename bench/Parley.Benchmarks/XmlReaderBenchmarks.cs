using System.Buffers;
using BenchmarkDotNet.Attributes;
using Parley.Xmpp.Xml;

namespace Parley.Benchmarks;

/// <summary>
/// XmppStreamReader.TryRead inside an open stream: the per-stanza cost of the read loop.
/// Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </summary>
[MemoryDiagnoser]
public class XmlReaderBenchmarks
{
    private static readonly byte[] Keepalive = [(byte)' '];

    private XmppStreamReader _reader = null!;

    [GlobalSetup]
    public void Setup() => _reader = SampleStream.OpenReader();

    [Benchmark]
    public Element ReadChatMessage()
    {
        var buffer = new ReadOnlySequence<byte>(SampleStream.ChatMessage);
        return _reader.TryRead(ref buffer, out var read) ? read.Element! : throw new InvalidOperationException("No stanza was read.");
    }

    /// <summary>RFC 6120 §4.6.1: a single space between stanzas; consumed without an event.</summary>
    [Benchmark]
    public bool ReadWhitespaceKeepalive()
    {
        var buffer = new ReadOnlySequence<byte>(Keepalive);
        return _reader.TryRead(ref buffer, out _);
    }
}
