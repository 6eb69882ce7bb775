using System.Buffers;
using BenchmarkDotNet.Attributes;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Benchmarks;

/// <summary>
/// ElementWriter.Write of the sample message into a reused buffer, as a connection's writer does.
/// Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </summary>
[MemoryDiagnoser]
public class ElementWriterBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private Element _message = null!;

    [GlobalSetup]
    public void Setup() => _message = SampleStream.ParseChatMessage();

    [Benchmark]
    public int WriteChatMessage()
    {
        _output.Clear();

        // The stream's default namespace, as XmppConnection writes stanzas: no xmlns on the stanza.
        ElementWriter.Write(_output, _message, Namespaces.Client);
        return _output.WrittenCount;
    }
}
