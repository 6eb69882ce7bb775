using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Roster;

/// <summary>
/// RFC 6121 §3 for local accounts: an account's subscription stanza changes its own state
/// (outbound, Appendix A.2); the stanza then leaves through <see cref="StanzaDelivery"/> for the
/// contact, whose side (inbound, Appendix A.3) the contact's server applies — this one, through the
/// roster module's recipient side, when the contact is local. Subscription stanzas are sent as the
/// server itself, so a XEP-0191 block never stops the state change on either side; what reaches
/// resources (the stanzas, the presence that follows) passes the blocklists at delivery.
/// </summary>
internal sealed class Subscriptions(Rosters rosters, ISessionDirectory sessions, StanzaDelivery delivery)
{
    /// <summary>
    /// The account sends a subscription stanza to the contact (original: the client's stanza, for
    /// its children): the account's side is applied, the stanza delivered to a local contact or
    /// routed to a remote contact's server (which applies the other side), then presence follows.
    /// </summary>
    public async Task SendAsync(Jid account, Jid contact, SubscriptionStanza kind, Element? original, CancellationToken cancellationToken)
    {
        var (before, outcome) = await rosters.ApplyAsync(account, contact, s => s.Outbound(kind), null, cancellationToken).ConfigureAwait(false);
        if (outcome.Forward)
        {
            // RFC 6121 §3.1.2: the user's server stamps the bare JID and keeps the children (status).
            var routed = original?.Clone() ?? new Element("presence", Namespaces.Client);
            routed.SetAttribute("from", account.ToString()).SetAttribute("to", contact.ToString()).SetAttribute("type", RosterXml.StanzaTypeName(kind));
            // Applied by a local contact's roster, or queued on the stream to the contact's server, ahead of the presence below.
            await delivery.SendAsync(Origin.ServerOf(account), routed, contact, cancellationToken).ConfigureAwait(false);
        }

        // RFC 6121 §3.1.5 and §3.2.2: presence (or unavailable) follows the subscribed (or
        // unsubscribed) it results from, so the contact has its roster push first.
        await ExchangePresenceAsync(account, contact, before, outcome.State, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The local account receives a subscription stanza from the contact (local or remote; the roster module's recipient side).</summary>
    public async Task ReceiveAsync(Jid account, Jid contact, SubscriptionStanza kind, Element stanza, CancellationToken cancellationToken)
    {
        var (before, outcome) = await rosters.ApplyAsync(account, contact, s => s.Inbound(kind), kind == SubscriptionStanza.Subscribe ? stanza : null, cancellationToken).ConfigureAwait(false);
        if (outcome.Refused)
        {
            // Presence errors are the stanza's answer (RFC 6120 §8.3); the sender learns it was not kept.
            var error = Stanza.ErrorReply(stanza, StanzaError.Of(StanzaErrorCondition.PolicyViolation, "Too many subscription requests are pending."));
            await delivery.SendAsync(Origin.ServerOf(account), error, contact, cancellationToken).ConfigureAwait(false);

            return;
        }

        if (outcome.Forward)
        {
            // RFC 6121 §3.1.3, §3.1.6, §3.2.3, §3.3.3: delivered to every available resource.
            await DeliverToAvailableAsync(contact, account, stanza, cancellationToken).ConfigureAwait(false);
        }

        await ExchangePresenceAsync(account, contact, before, outcome.State, cancellationToken).ConfigureAwait(false);
        if (outcome.AutoReplySubscribed)
        {
            // RFC 6121 §3.1.3 (already subscribed) and §3.4.2 (pre-approved): the server answers.
            var reply = new Element("presence", Namespaces.Client)
                .SetAttribute("from", account.ToString()).SetAttribute("to", contact.ToString()).SetAttribute("type", "subscribed");
            await delivery.SendAsync(Origin.ServerOf(account), reply, contact, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// RFC 6121 §3.1.3 (last paragraph): pending requests are delivered again to each resource that
    /// becomes available, as they were sent (extensions such as XEP-0172 nick included).
    /// </summary>
    public async Task ResendPendingAsync(ClientSession session, CancellationToken cancellationToken)
    {
        foreach (var (contact, stored) in await rosters.Store.PendingAsync(session.Account, cancellationToken).ConfigureAwait(false))
        {
            var request = PendingRequestQuota.ReadRequest(stored)
                .SetAttribute("from", contact.ToString()).SetAttribute("to", session.Account.ToString()).SetAttribute("type", "subscribe");

            // XEP-0191 §3.3: kept pending, but not shown while either side blocks the other (the delivery checks).
            await delivery.DeliverAsync(Origin.Server(contact), request, session, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// RFC 6121 §3.1.5 and §3.2.2: when the contact gains a subscription to the account's presence
    /// it receives the presence of each available resource; when it loses one, their unavailable presence.
    /// </summary>
    private async ValueTask ExchangePresenceAsync(Jid account, Jid contact, SubscriptionState before, SubscriptionState after, CancellationToken cancellationToken)
    {
        if (before.HasFrom == after.HasFrom)
        {
            return;
        }

        foreach (var resource in sessions.Resources(account))
        {
            if (resource.Presence is not { } presence)
            {
                continue;
            }

            var sent = after.HasFrom
                ? presence.Clone()
                : new Element("presence", Namespaces.Client).SetAttribute("from", resource.Jid.ToString()).SetAttribute("type", "unavailable");
            sent.SetAttribute("to", contact.ToString());
            await delivery.SendAsync(resource, sent, contact, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask DeliverToAvailableAsync(Jid from, Jid account, Element stanza, CancellationToken cancellationToken)
    {
        foreach (var resource in sessions.Resources(account))
        {
            if (resource.IsAvailable)
            {
                await delivery.DeliverAsync(Origin.Server(from), stanza, resource, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
