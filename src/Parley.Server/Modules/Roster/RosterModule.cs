using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Events;
using Parley.Server.Routing;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Roster;

/// <summary>
/// RFC 6121 §2 (jabber:iq:roster get/set/remove, pushes, versioning) and §3 (subscription
/// stanzas from local accounts, pending requests redelivered at login).
/// </summary>
internal sealed class RosterModule(Rosters rosters, Subscriptions subscriptions, StanzaDelivery delivery, IOptions<ParleyOptions> options) : IXmppModule
{
    /// <summary>RFC 6121 §2.3.3 leaves the name/group limit to the server; 1023 bytes matches a JID part.</summary>
    internal const int MaxTextBytes = 1023;

    public void Map(ModuleMap map)
    {
        map.Iq("get", "query", RosterXml.Namespace, Addressed.Account, GetAsync);
        map.Iq("set", "query", RosterXml.Namespace, Addressed.Account, SetAsync);
        map.Outgoing(StanzaKinds.Presence, Addressed.Account | Addressed.Resource | Addressed.Remote, SendingSubscriptionAsync);
        map.Presence(Addressed.Account | Addressed.Resource, ReceivingSubscriptionAsync);
        map.On<InitialPresence>(e => new ValueTask(subscriptions.ResendPendingAsync(e.Session, CancellationToken.None)));
        map.StreamFeature(StreamStage.PostAuthentication, _ => new Element("ver", RosterXml.VersioningFeature));
        map.StreamFeature(StreamStage.PostAuthentication, _ => new Element("sub", RosterXml.PreApprovalFeature));
    }

    private async ValueTask<IqReply> GetAsync(IqContext context)
    {
        if (context.Session is not { } session || !context.To.Equals(session.Account))
        {
            // RFC 6121 §2.1.5: only the account's own resources read its roster.
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        Rosters.MarkInterested(session);
        var roster = await rosters.Store.GetAsync(session.Account, context.CancellationToken).ConfigureAwait(false);
        var version = roster.Version.ToString(CultureInfo.InvariantCulture);
        if (context.Payload.GetAttribute("ver") == version)
        {
            // RFC 6121 §2.6.3: the client's cached roster is current; changes will come as pushes.
            return IqReply.Empty;
        }

        // RFC 6121 §2.6.3 allows the full roster instead of the pushes since the client's version.
        var query = RosterXml.Query(roster.Version);
        foreach (var item in roster.Items)
        {
            RosterXml.AddItem(query, item);
        }

        return IqReply.Result(query);
    }

    private async ValueTask<IqReply> SetAsync(IqContext context)
    {
        if (context.Session is not { } session || !context.To.Equals(session.Account))
        {
            // RFC 6121 §2.3.3: only the account's own resources change its roster.
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        var items = context.Payload.Children("item", RosterXml.Namespace).ToList();
        if (items.Count != 1)
        {
            // RFC 6121 §2.3.3: a roster set carries exactly one item.
            return IqReply.Fail(StanzaErrorCondition.BadRequest, "A roster set carries exactly one item.");
        }

        var element = items[0];
        if (!Jid.TryParse(element.GetAttribute("jid"), out var parsed))
        {
            return IqReply.Fail(StanzaErrorCondition.JidMalformed);
        }

        // Subscriptions are between bare JIDs (RFC 6121 §3.1.1); the roster keeps them bare too.
        var contact = parsed.Bare;
        if (contact.Equals(session.Account))
        {
            // As Prosody: the account's own JID is not a contact (its presence goes to its resources anyway).
            return IqReply.Fail(StanzaErrorCondition.NotAllowed, "The account's own JID cannot be a roster item.");
        }

        if (element.GetAttribute("subscription") == "remove")
        {
            return await RemoveAsync(session.Account, contact, context.CancellationToken).ConfigureAwait(false);
        }

        // RFC 6121 §2.1.2: 'subscription' (other than remove), 'ask' and 'approved' are the server's; ignored in a set.
        var name = element.GetAttribute("name");
        if (name is not null && Encoding.UTF8.GetByteCount(name) > MaxTextBytes)
        {
            return IqReply.Fail(StanzaErrorCondition.NotAcceptable, "The name is too long.");
        }

        var groups = new List<string>();
        foreach (var group in element.Children("group", RosterXml.Namespace))
        {
            var text = group.Text;
            if (text.Length == 0 || Encoding.UTF8.GetByteCount(text) > MaxTextBytes)
            {
                // RFC 6121 §2.3.3: an empty or over-long group is not acceptable.
                return IqReply.Fail(StanzaErrorCondition.NotAcceptable, "A group is empty or too long.");
            }

            if (groups.Contains(text, StringComparer.Ordinal))
            {
                // RFC 6121 §2.3.3: duplicate groups are a bad request.
                return IqReply.Fail(StanzaErrorCondition.BadRequest, "Duplicate group.");
            }

            groups.Add(text);
        }

        using (await rosters.LockAsync(session.Account, context.CancellationToken).ConfigureAwait(false))
        {
            var existing = await rosters.Store.FindAsync(session.Account, contact, context.CancellationToken).ConfigureAwait(false);
            if (existing is null && await IsFullAsync(session.Account, contact, context.CancellationToken).ConfigureAwait(false))
            {
                // RFC 6121 §2.3.3 leaves roster size to policy; not-allowed as Prosody and ejabberd answer.
                return IqReply.Fail(StanzaErrorCondition.NotAllowed, "The roster is full.");
            }

            var state = existing?.State ?? new SubscriptionState(Subscription.None);
            var item = new RosterItem(contact, name, groups, state);
            var version = await rosters.Store.SaveAsync(session.Account, item, context.CancellationToken).ConfigureAwait(false);
            rosters.PushItem(session.Account, version, item);
        }

        return IqReply.Empty;
    }

    /// <summary>
    /// RFC 6121 §2.5.2: the item goes, and with it every subscription: unsubscribe for "to" or a
    /// pending request, unsubscribed for "from", a pending inbound request or a pre-approval.
    /// </summary>
    private async ValueTask<IqReply> RemoveAsync(Jid account, Jid contact, CancellationToken cancellationToken)
    {
        SubscriptionState state;
        using (await rosters.LockAsync(account, cancellationToken).ConfigureAwait(false))
        {
            var existing = await rosters.Store.FindAsync(account, contact, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                // RFC 6121 §2.5.3.
                return IqReply.Fail(StanzaErrorCondition.ItemNotFound);
            }

            state = existing.State;
        }

        if (state.HasTo || state.PendingOut)
        {
            await subscriptions.SendAsync(account, contact, SubscriptionStanza.Unsubscribe, null, cancellationToken).ConfigureAwait(false);
        }

        if (state.HasFrom || state.PendingIn || state.Approved)
        {
            await subscriptions.SendAsync(account, contact, SubscriptionStanza.Unsubscribed, null, cancellationToken).ConfigureAwait(false);
        }

        using (await rosters.LockAsync(account, cancellationToken).ConfigureAwait(false))
        {
            await rosters.Store.SetPendingAsync(account, contact, null, cancellationToken).ConfigureAwait(false);
            if (await rosters.Store.RemoveAsync(account, contact, cancellationToken).ConfigureAwait(false) is { } version)
            {
                rosters.PushRemoved(account, version, contact);
            }
        }

        return IqReply.Empty;
    }

    private async ValueTask<bool> IsFullAsync(Jid account, Jid contact, CancellationToken cancellationToken) =>
        await rosters.Store.FindAsync(account, contact, cancellationToken).ConfigureAwait(false) is null
        && await rosters.Store.CountAsync(account, cancellationToken).ConfigureAwait(false) >= options.Value.Limits.MaxRosterItems;

    /// <summary>
    /// RFC 6121 §3, sender side: a subscription stanza a local client sends, to a contact anywhere: the
    /// account's side is applied here, then the stanza leaves for the contact (whose side its server applies).
    /// </summary>
    private async ValueTask<Handling> SendingSubscriptionAsync(StanzaContext context)
    {
        if (RosterXml.ParseStanzaType(Stanza.Type(context.Stanza)) is not { } kind)
        {
            return Handling.Continue;
        }

        // RFC 6121 §3.1.1: a subscription is addressed to a bare JID; a resource is ignored.
        var contact = context.To?.Bare;
        if (contact is null || contact.Equals(context.From.Account))
        {
            return Handling.Done;
        }

        if (kind is SubscriptionStanza.Subscribe or SubscriptionStanza.Subscribed
            && await IsFullAsync(context.From.Account, contact, context.CancellationToken).ConfigureAwait(false))
        {
            // A request or pre-approval would add an item past Limits:MaxRosterItems.
            delivery.Reply(context.From, Stanza.ErrorReply(context.Stanza, StanzaError.Of(StanzaErrorCondition.NotAllowed, "The roster is full.")));
            return Handling.Done;
        }

        await subscriptions.SendAsync(context.From.Account, contact, kind, context.Stanza, context.CancellationToken).ConfigureAwait(false);
        return Handling.Done;
    }

    /// <summary>
    /// RFC 6121 §3.1.3, §3.1.6, §3.2.3, §3.3.3, recipient side: a subscription stanza for a local
    /// account, from another domain or generated for a local contact: the account's inbound side,
    /// with the stanza stamped with the contact's bare JID ('from' as the sender's server checked it).
    /// </summary>
    private async ValueTask<Handling> ReceivingSubscriptionAsync(StanzaContext context)
    {
        if (RosterXml.ParseStanzaType(Stanza.Type(context.Stanza)) is not { } kind)
        {
            return Handling.Continue;
        }

        if (Jid.TryParse(context.Stanza.GetAttribute("from"), out var from))
        {
            var account = context.To!.Bare;
            var stanza = context.Stanza.SetAttribute("from", from.Bare.ToString()).SetAttribute("to", account.ToString());
            await subscriptions.ReceiveAsync(account, from.Bare, kind, stanza, context.CancellationToken).ConfigureAwait(false);
        }

        return Handling.Done;
    }
}
