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

    /// <summary>
    /// §7: to every other enabled resource of the sender, whatever the addressee's domain. Runs for every
    /// message, so the common case (nobody to copy to) returns without an async state machine.
    /// </summary>
    private ValueTask<Handling> CopySentAsync(StanzaContext context) =>
        // Cheapest test first: most accounts have one resource, and then there is nobody to copy to.
        context.From is ClientSession sender
            && sessions.Resources(sender.Account).Count > 1
            && CarbonsRules.IsEligible(context.Stanza)
            ? CopyAsync(context, "sent", sender.Account, new Skipped(sender, context.To, null))
            : Continue;

    /// <summary>
    /// §6: to every enabled resource that the message itself does not reach: all but the addressed one
    /// for a full JID, all but the most available ones for a bare JID (RFC 6121 §8.5.2.1.1). A
    /// message from the account's own resource was copied on the sender side already.
    /// </summary>
    private ValueTask<Handling> CopyReceivedAsync(StanzaContext context)
    {
        var account = (context.To ?? context.From.Account).Bare;
        var resources = sessions.Resources(account);
        if (resources.Count < 2 && (resources.Count == 0 || context.Addressed == Addressed.Resource))
        {
            // Nobody else to copy to (the common case: one device).
            return Continue;
        }

        // What the server itself delivers again (XEP-0198: unacknowledged when a session ended) was copied when it first came.
        if (context.From.IsServerItself || context.From.Account.Equals(account) || !CarbonsRules.IsEligible(context.Stanza))
        {
            return Continue;
        }

        var addressee = context.Addressed == Addressed.Resource ? sessions.Find(context.To!) : null;
        if (addressee is null && Stanza.IsError(context.Stanza))
        {
            // An error to the bare JID reaches no resource (RFC 6121 §8.5.2.1.1), so none gets a copy either.
            return Continue;
        }

        var skipped = addressee is not null
            ? new Skipped(addressee, null, null)
            : new Skipped(null, null, MessageRules.HighestPriority(resources));
        return CopyAsync(context, "received", account, skipped);
    }

    private static ValueTask<Handling> Continue => ValueTask.FromResult(Handling.Continue);

    /// <summary>§6 and §7: the message forwarded (XEP-0297) inside &lt;sent/&gt; or &lt;received/&gt;, from the account's bare JID.</summary>
    private async ValueTask<Handling> CopyAsync(StanzaContext context, string direction, Jid account, Skipped skipped)
    {
        Element? original = null;
        foreach (var resource in sessions.Resources(account))
        {
            if (resource.Features.Get<CarbonsEnabled>() is null || skipped.Includes(resource))
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

        return Handling.Continue;
    }

    /// <summary>
    /// The resources a copy is not for: the one that sent or is addressed (<paramref name="Session"/>,
    /// <paramref name="Jid"/>), or those available at the highest priority (<paramref name="AvailableAt"/>),
    /// which receive a message to the bare JID themselves. A value, not a lambda: this runs for every message.
    /// </summary>
    private readonly record struct Skipped(ClientSession? Session, Jid? Jid, int? AvailableAt)
    {
        public bool Includes(ClientSession resource) =>
            resource == Session
            || (Jid is not null && resource.Jid.Equals(Jid))
            || (AvailableAt is { } priority && resource.IsAvailable && resource.Priority == priority);
    }
}
