using BenchmarkDotNet.Attributes;
using Parley.Xmpp.Addressing;

namespace Parley.Benchmarks;

/// <summary>
/// Jid.Parse (RFC 7622 preparation) of a 'to' attribute, which routing does for every stanza.
/// Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </summary>
[MemoryDiagnoser]
public class JidBenchmarks
{
    /// <summary>Fullwidth and upper-case letters: PRECIS width and case mapping (RFC 8265 §3.3.2, RFC 7622 §3.2) change every part but the resource.</summary>
    private const string NeedsMapping = "ＪＵＬＩＥＴ@Example.COM/balcony";

    [GlobalSetup]
    public void Setup()
    {
        if (Jid.Parse(NeedsMapping).ToString() != SampleStream.Sender)
        {
            throw new InvalidOperationException("The mapped JID did not prepare to the sample sender.");
        }
    }

    [Benchmark(Baseline = true)]
    public Jid ParsePreparedAscii() => Jid.Parse(SampleStream.Sender);

    [Benchmark]
    public Jid ParseNeedingMapping() => Jid.Parse(NeedsMapping);
}
