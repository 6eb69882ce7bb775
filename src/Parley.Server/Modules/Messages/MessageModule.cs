using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Messages;

/// <summary>
/// RFC 6121 §8.5 delivery of messages to local accounts and resources, by <see cref="MessageRules"/>.
/// What is to be stored offline continues down the chain (the Offline module); when nothing takes
/// it, the router answers service-unavailable, which §8.5.2.2.1 also allows.
/// </summary>
internal sealed class MessageModule(ISessionDirectory sessions, StanzaDelivery delivery) : IXmppModule
{
    public void Map(ModuleMap map) => map.Message(Addressed.Account | Addressed.Resource, HandleAsync);

    private ValueTask<Handling> HandleAsync(StanzaContext context)
    {
        var message = context.Stanza;
        var type = MessageRules.ParseType(Stanza.Type(message));
        ClientSession? bound = null;
        if (context.Addressed == Addressed.Resource)
        {
            bound = sessions.Find(context.To!);
        }

        // RFC 6120 §10.3.1 (no 'to': the sender's own account); RFC 6121 §8.5.3.2.1: an unbound
        // resource is handled as its bare JID.
        var resources = bound is null ? sessions.Resources(context.To?.Bare ?? context.From.Account) : [];
        var best = MessageRules.HighestPriority(resources);
        var recipient = (bound, context.Addressed, best) switch
        {
            ({ }, _, _) => Recipient.BoundResource,
            (null, Addressed.Resource, null) => Recipient.UnboundResourceUnavailable,
            (null, Addressed.Resource, _) => Recipient.UnboundResourceAvailable,
            (null, _, null) => Recipient.BareUnavailable,
            _ => Recipient.BareAvailable,
        };

        switch (MessageRules.Decide(type, recipient))
        {
            case MessageAction.DeliverToResource:
                bound!.Send(message);
                break;
            case MessageAction.DeliverToHighestPriority:
                Deliver(resources, message, best!.Value);
                break;
            case MessageAction.DeliverToAllNonNegative:
                Deliver(resources, message, 0);
                break;
            case MessageAction.Bounce:
                delivery.Bounce(context.From, message, StanzaErrorCondition.ServiceUnavailable);
                break;
            case MessageAction.StoreOffline:
                return ValueTask.FromResult(Handling.Continue);
        }

        return ValueTask.FromResult(Handling.Done);
    }

    /// <summary>To every available resource whose priority is at least <paramref name="minimum"/>.</summary>
    private static void Deliver(IReadOnlyList<ClientSession> resources, Element message, int minimum)
    {
        foreach (var r in resources)
        {
            if (r.IsAvailable && r.Priority >= minimum)
            {
                r.Send(message);
            }
        }
    }
}
