using Microsoft.Extensions.Options;
using Parley.Server.Modules.Carbons;
using Parley.Server.Modules.ClientState;
using Parley.Server.Modules.Messages;
using Parley.Server.Modules.StreamManagement;
using Parley.Server.Sessions;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Routing;

/// <summary>
/// The modules that act on every chat message by default besides delivery (carbons' two hooks, the
/// client-state outbound filter) and stream management's record add no allocation to routing one.
/// Compared with delivery alone, because this project's Debug build (the tests') boxes every async
/// state machine; the Release figure, 0 bytes for the whole path, is the benchmark's
/// (`RoutingBenchmarks`, docs/performance.md). Guards the hot path: one closure per message once cost
/// about 10 % of the server's throughput.
/// </summary>
public sealed class RoutingAllocationTests
{
    private const int Messages = 1000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Per_message_modules_add_no_allocation_to_routing(bool streamManagement)
    {
        var deliveryOnly = AllocatedPerMessage(new ModuleHarness(h => new MessageModule(h.Sessions, h.Delivery)), streamManagement: false);
        var everyModule = AllocatedPerMessage(
            new ModuleHarness(
                h => new CarbonsModule(h.Sessions, h.Delivery),
                h => new MessageModule(h.Sessions, h.Delivery),
                _ => new ClientStateModule(Options.Create(new ClientStateOptions()))),
            streamManagement);

        Assert.Equal(deliveryOnly, everyModule);
    }

    private static long AllocatedPerMessage(ModuleHarness harness, bool streamManagement)
    {
        var sender = Bind(harness, "juliet@example.com/balcony", out _);
        var recipient = Bind(harness, "romeo@example.com/orchard", out var delivered);
        if (streamManagement)
        {
            var defaults = new StreamManagementOptions();
            recipient.WriteControl(new Element("enabled", Namespaces.StreamManagement),
                new UnackedStanzas(defaults.MaxUnacked, defaults.RequestAfterStanzas, new Element("r", Namespaces.StreamManagement), TimeProvider.System));
        }

        var message = ModuleHarness.Message("romeo@example.com/orchard");
        Route(harness, sender, recipient, message, Messages);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Route(harness, sender, recipient, message, Messages);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2 * Messages, delivered.Stanzas);
        return allocated / Messages;
    }

    private static ClientSession Bind(ModuleHarness harness, string jid, out CountingTransport transport)
    {
        transport = new CountingTransport(jid);
        var session = new ClientSession(Jid.Parse(jid), transport, harness.Modules.OutboundFilters);
        Assert.Equal(BindStatus.Bound, harness.Sessions.TryBind(session, maxResourcesPerAccount: 10).Status);
        return session;
    }

    private static void Route(ModuleHarness harness, ClientSession sender, ClientSession recipient, Element message, int count)
    {
        for (var i = 0; i < count; i++)
        {
            // A client's stanza comes without 'from'; the router stamps the same element each time.
            message.SetAttribute("from", null);
            var routing = harness.Router.RouteAsync(sender, message, CancellationToken.None);
            Assert.True(routing.IsCompletedSuccessfully);
            if (recipient.Unacked is { Count: >= 32 } unacked)
            {
                recipient.Acknowledge(unacked.Sent);
            }
        }
    }

    /// <summary>A transport that only counts, so the test measures routing and not a recording list.</summary>
    private sealed class CountingTransport(string id) : ISessionEndpoint
    {
        public int Stanzas { get; private set; }

        public string ConnectionId => id;

        public System.Net.IPAddress? RemoteAddress => null;

        public bool TrySend(Element stanza)
        {
            if (stanza.Name == "message")
            {
                Stanzas++;
            }

            return true;
        }

        public void Terminate(StreamErrorCondition condition, string? text = null) =>
            throw new InvalidOperationException($"The stream was terminated: {condition}.");
    }
}
