using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules;
using Parley.Server.Modules.Blocking;
using Parley.Server.Modules.Carbons;
using Parley.Server.Modules.ClientState;
using Parley.Server.Modules.Messages;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Benchmarks;

/// <summary>
/// The real StanzaRouter, ModuleDispatcher and LocalSessionDirectory with two bound sessions, the
/// sender (<see cref="SampleStream.Sender"/>) and the recipient (<see cref="SampleStream.Recipient"/>),
/// whose connections only count what they are given. The modules are those that act on a one-to-one
/// chat message in a server with its defaults, in the server's chain order (Hosting/ServerModules):
/// XEP-0280 carbons, RFC 6121 §8.5 delivery, XEP-0352's outbound filter on every session and the
/// XEP-0191 blocking filter, plus any <paramref name="extra"/> ones (the archive).
/// </summary>
internal sealed class DeliveryPath
{
    public DeliveryPath(Func<StanzaDelivery, IEnumerable<IXmppModule>>? extra = null)
    {
        var options = Options.Create(new ParleyOptions { Domains = ["example.com"] });
        var sessions = new LocalSessionDirectory();
        var blocklists = new Blocklists(new EmptyBlocklistStore(), sessions, new Parley.Server.Accounts.AccountLocks());
        var events = new EventBus();
        StanzaDelivery? delivery = null;
        var modules = new ModuleDispatcher(
            () => [
                .. extra?.Invoke(delivery!) ?? [],
                new CarbonsModule(sessions, delivery!),
                new MessageModule(sessions, delivery!),
                new ClientStateModule(Options.Create(new ClientStateOptions())),
                new BlockingModule(blocklists, sessions, delivery!, events, options),
            ],
            events);
        delivery = new StanzaDelivery(modules, sessions, new HostedDomains(options), new NoFederationRouter());
        Router = new StanzaRouter(modules, delivery, sessions, new BoundAccountsOnlyStore(), NullLogger<StanzaRouter>.Instance);
        modules.Build();

        SenderEndpoint = new CountingEndpoint("c1");
        RecipientEndpoint = new CountingEndpoint("c2");
        Sender = new ClientSession(Jid.Parse(SampleStream.Sender), SenderEndpoint, modules.OutboundFilters);
        Recipient = new ClientSession(Jid.Parse(SampleStream.Recipient), RecipientEndpoint, modules.OutboundFilters);
        foreach (var session in new[] { Sender, Recipient })
        {
            if (sessions.TryBind(session, maxResourcesPerAccount: 1).Status != BindStatus.Bound)
            {
                throw new InvalidOperationException($"{session.Jid} did not bind.");
            }

            // What the blocking module does on SessionBound: bound accounts' lists are held in memory.
            blocklists.LoadAsync(session.Account, CancellationToken.None).GetAwaiter().GetResult();
        }

        Message = SampleStream.ParseChatMessage();
    }

    public StanzaRouter Router { get; }

    public ClientSession Sender { get; }

    public ClientSession Recipient { get; }

    public CountingEndpoint SenderEndpoint { get; }

    public CountingEndpoint RecipientEndpoint { get; }

    /// <summary>The parsed sample chat message, routed again and again.</summary>
    public Element Message { get; }

    /// <summary>Routes <see cref="Message"/> from the sender; returns what the recipient's connection has been given so far.</summary>
    public int Route()
    {
        // A client's stanza arrives without 'from' (RFC 6120 §8.1.2.1); the router stamps it on the same element each time.
        Message.SetAttribute("from", null);
        Router.RouteAsync(Sender, Message, CancellationToken.None).GetAwaiter().GetResult();
        return RecipientEndpoint.Sent;
    }

    /// <summary>Routes once and checks the message reached the recipient's connection alone, so a benchmark measures delivery.</summary>
    public void CheckDelivers()
    {
        var (before, senderBefore) = (RecipientEndpoint.Sent, SenderEndpoint.Sent);
        Route();
        if (RecipientEndpoint.Sent != before + 1 || SenderEndpoint.Sent != senderBefore)
        {
            throw new InvalidOperationException("The sample message was not delivered to the recipient alone.");
        }
    }
}
