using Parley.Server.Modules.Messages;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Carbons;

/// <summary>
/// XEP-0280 message carbons: a resource enables them for itself (§4, kept in its session), and then
/// receives a copy of every eligible message (<see cref="CarbonsRules"/>) its account's other
/// resources send, to any domain (sender side, "sent" copies), and of every one the account receives
/// that the delivery rules give to another resource (recipient side, "received" copies; after the
/// archive stamped its stanza-id, so every device sees the same id).
/// </summary>
internal sealed class CarbonsModule(ISessionDirectory sessions, StanzaDelivery delivery) : IXmppModule
{
    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.Carbons);
        map.Iq("set", "enable", Namespaces.Carbons, Addressed.Server | Addressed.Account, context => Switch(context, on: true));
        map.Iq("set", "disable", Namespaces.Carbons, Addressed.Server | Addressed.Account, context => Switch(context, on: false));
        map.Outgoing(StanzaKinds.Message, Addressed.Server | Addressed.Account | Addressed.Resource | Addressed.Remote | Addressed.Component, CopySentAsync);
        map.Message(Addressed.Account | Addressed.Resource, CopyReceivedAsync, Order.First);
    }

    /// <summary>
    /// §4 and §5: only a local resource switches its own carbons (an enable from another server or from
    /// someone else's session changes nothing and is refused); enabling twice is harmless (§9).
    /// </summary>
    private static ValueTask<IqReply> Switch(IqContext context, bool on)
    {
        if (context.Session is not { } session || (context.Addressed == Addressed.Account && !session.Account.Equals(context.To.Bare)))
        {
            return ValueTask.FromResult(IqReply.Fail(StanzaErrorCondition.Forbidden));
        }

        session.Features.Set(on ? CarbonsEnabled.Instance : null);
        return ValueTask.FromResult(IqReply.Empty);
    }

    /// <summary>§7: to every other enabled resource of the sender, whatever the addressee's domain.</summary>
    private async ValueTask<Handling> CopySentAsync(StanzaContext context)
    {
        if (context.From is ClientSession sender && CarbonsRules.IsEligible(context.Stanza))
        {
            await CopyAsync(context, "sent", sender.Account, skip: r => r == sender || (context.To is { } to && r.Jid.Equals(to))).ConfigureAwait(false);
        }

        return Handling.Continue;
    }

    /// <summary>
    /// §6: to every enabled resource that the message itself does not reach: all but the addressed one
    /// for a full JID, all but the most available ones for a bare JID (RFC 6121 §8.5.2.1.1). A
    /// message from the account's own resource was copied on the sender side already.
    /// </summary>
    private async ValueTask<Handling> CopyReceivedAsync(StanzaContext context)
    {
        var account = (context.To ?? context.From.Account).Bare;
        // What the server itself delivers again (XEP-0198: unacknowledged when a session ended) was copied when it first came.
        if (context.From.IsServerItself || context.From.Account.Equals(account) || !CarbonsRules.IsEligible(context.Stanza))
        {
            return Handling.Continue;
        }

        var resources = sessions.Resources(account);
        if (resources.Count < 2 && (resources.Count == 0 || context.Addressed == Addressed.Resource))
        {
            // Nobody else to copy to (the common case: one device).
            return Handling.Continue;
        }

        var addressee = context.Addressed == Addressed.Resource ? sessions.Find(context.To!) : null;
        if (addressee is null && Stanza.IsError(context.Stanza))
        {
            // An error to the bare JID reaches no resource (RFC 6121 §8.5.2.1.1), so none gets a copy either.
            return Handling.Continue;
        }

        var best = addressee is null ? MessageRules.HighestPriority(resources) : null;
        await CopyAsync(context, "received", account, skip: r => addressee is not null
            ? r == addressee
            : r.IsAvailable && r.Priority == best).ConfigureAwait(false);
        return Handling.Continue;
    }

    /// <summary>§6 and §7: the message forwarded (XEP-0297) inside &lt;sent/&gt; or &lt;received/&gt;, from the account's bare JID.</summary>
    private async ValueTask CopyAsync(StanzaContext context, string direction, Jid account, Func<ClientSession, bool> skip)
    {
        Element? original = null;
        foreach (var resource in sessions.Resources(account))
        {
            if (resource.Features.Get<CarbonsEnabled>() is null || skip(resource))
            {
                continue;
            }

            original ??= context.Stanza.Clone();
            var copy = new Element("message", Namespaces.Client)
                .SetAttribute("from", account.ToString())
                .SetAttribute("to", resource.Jid.ToString())
                .SetAttribute("type", Stanza.Type(context.Stanza));
            copy.AddElement(direction, Namespaces.Carbons).AddElement("forwarded", Namespaces.Forward).Add(original);
            // The account's own filters apply, as to anything sent in its name.
            await delivery.DeliverAsync(Origin.Server(account), copy, resource, context.CancellationToken).ConfigureAwait(false);
        }
    }
}
