using BenchmarkDotNet.Attributes;
using Parley.Server.Modules.StreamManagement;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Benchmarks;

/// <summary>
/// One chat message from a bound session to another bound local session through the real delivery
/// path with the modules a server runs on it by default, archive off (<see cref="DeliveryPath"/>):
/// plain, and to a recipient with XEP-0198 stream management enabled (every stanza recorded until
/// acknowledged; the client acknowledges every 32, as the generator's window would).
/// Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private const uint AcknowledgeEvery = 32;

    private DeliveryPath _plain = null!;
    private DeliveryPath _tracked = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = new DeliveryPath();
        _plain.CheckDelivers();

        _tracked = new DeliveryPath();
        // What StreamManagementModule does on <enable/> with its defaults: <enabled/> out, then every
        // stanza recorded, an <r/> after every Modules:Sm:RequestAfterStanzas.
        var defaults = new StreamManagementOptions();
        var record = new UnackedStanzas(defaults.MaxUnacked, defaults.RequestAfterStanzas, new Element("r", Namespaces.StreamManagement), TimeProvider.System);
        _tracked.Recipient.WriteControl(new Element("enabled", Namespaces.StreamManagement), record);
        _tracked.CheckDelivers();
    }

    [Benchmark]
    public int RouteChatMessage() => _plain.Route();

    [Benchmark]
    public int RouteChatMessageStreamManagement()
    {
        var sent = _tracked.Route();
        if (_tracked.Recipient.Unacked is { } unacked && unacked.Count >= AcknowledgeEvery)
        {
            _tracked.Recipient.Acknowledge(unacked.Sent);
        }

        return sent;
    }
}
