using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules;
using Parley.Server.Modules.Blocking;
using Parley.Server.Modules.Messages;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Benchmarks;

/// <summary>
/// One chat message from a bound session to another bound local session through the real
/// StanzaRouter, ModuleDispatcher and LocalSessionDirectory, with the modules that act on such a
/// message in a running server: the XEP-0191 blocking filter and RFC 6121 §8.5 delivery.
/// Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private StanzaRouter _router = null!;
    private ClientSession _sender = null!;
    private CountingEndpoint _recipient = null!;
    private Element _message = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new ParleyOptions { Domains = ["example.com"] });
        var sessions = new LocalSessionDirectory();
        var blocklists = new Blocklists(new EmptyBlocklistStore(), sessions, new Parley.Server.Accounts.AccountLocks());
        var events = new EventBus();
        StanzaDelivery? delivery = null;
        var modules = new ModuleDispatcher(() => [new MessageModule(sessions, delivery!), new BlockingModule(blocklists, sessions, delivery!, events, options)], events);
        delivery = new StanzaDelivery(modules, sessions, new HostedDomains(options), new NoFederationRouter());
        _router = new StanzaRouter(modules, delivery, sessions, new BoundAccountsOnlyStore(), NullLogger<StanzaRouter>.Instance);
        modules.Build();

        var senderEndpoint = new CountingEndpoint("c1");
        _recipient = new CountingEndpoint("c2");
        _sender = new ClientSession(Jid.Parse(SampleStream.Sender), senderEndpoint);
        var recipient = new ClientSession(Jid.Parse(SampleStream.Recipient), _recipient);
        foreach (var session in new[] { _sender, recipient })
        {
            if (sessions.TryBind(session, maxResourcesPerAccount: 1).Status != BindStatus.Bound)
            {
                throw new InvalidOperationException($"{session.Jid} did not bind.");
            }

            // What the blocking module does on SessionBound: bound accounts' lists are held in memory.
            blocklists.LoadAsync(session.Account, CancellationToken.None).GetAwaiter().GetResult();
        }

        _message = SampleStream.ParseChatMessage();
        RouteChatMessage();
        if (_recipient.Sent != 1 || senderEndpoint.Sent != 0)
        {
            throw new InvalidOperationException("The sample message was not delivered to the recipient alone.");
        }
    }

    [Benchmark]
    public int RouteChatMessage()
    {
        // A client's stanza arrives without 'from' (RFC 6120 §8.1.2.1); the router stamps it on the same element each time.
        _message.SetAttribute("from", null);
        _router.RouteAsync(_sender, _message, CancellationToken.None).GetAwaiter().GetResult();
        return _recipient.Sent;
    }
}
