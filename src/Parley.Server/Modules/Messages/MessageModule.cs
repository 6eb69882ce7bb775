using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp.Stanzas;

namespace Parley.Server.Modules.Messages;

/// <summary>RFC 6121 §8.5 delivery of messages to local accounts and resources.</summary>
internal sealed class MessageModule(ISessionDirectory sessions) : IXmppModule
{
    public void Map(ModuleMap map) => map.Message(Addressed.Account | Addressed.Resource, HandleAsync);

    private ValueTask<Handling> HandleAsync(StanzaContext context)
    {
        var message = context.Stanza;
        var type = Stanza.Type(message) ?? "normal";
        if (context.Addressed == Addressed.Resource && sessions.Find(context.To!) is { } target)
        {
            target.Send(message);
            return ValueTask.FromResult(Handling.Done);
        }

        if (type == "groupchat")
        {
            // RFC 6121 §8.5.2.1.1 / §8.5.3.2.1: groupchat to a user (or an unbound resource) is an error.
            Unhandled.Bounce(context.From, message, StanzaErrorCondition.ServiceUnavailable);
            return ValueTask.FromResult(Handling.Done);
        }

        // RFC 6121 §8.5.3.2.1: other types to an unbound full JID are treated as sent to the bare JID.
        var account = context.To?.Bare ?? context.From.Account;
        var resources = sessions.Resources(account);
        var best = int.MinValue;
        foreach (var r in resources)
        {
            if (r.IsAvailable && r.Priority >= 0 && r.Priority > best)
            {
                best = r.Priority;
            }
        }

        if (best == int.MinValue)
        {
            // RFC 6121 §8.5.2.2: no available resource. Headlines and errors are dropped; chat/normal fall
            // through (to offline storage when it exists; until then to service-unavailable).
            return ValueTask.FromResult(type is "headline" or "error" ? Handling.Done : Handling.Continue);
        }

        // RFC 6121 §8.5.2.1.1: headlines go to every non-negative resource, chat/normal to the highest priority ones.
        foreach (var r in resources)
        {
            if (r.IsAvailable && r.Priority >= 0 && (type == "headline" || r.Priority == best))
            {
                r.Send(message);
            }
        }

        return ValueTask.FromResult(Handling.Done);
    }
}
