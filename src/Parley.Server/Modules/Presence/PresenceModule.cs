using System.Globalization;
using Parley.Server.Modules.Blocking;
using Parley.Server.Modules.Events;
using Parley.Server.Modules.Roster;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Presence;

/// <summary>
/// RFC 6121 §4. Sender side: a resource's availability and priority, broadcast to the account's own
/// resources and to contacts subscribed to it ("from"/"both"), probes of the contacts it is
/// subscribed to at initial presence, and directed presence remembered (per session) so that going
/// offline reaches whoever was told of availability. Recipient side, whoever sent it (a local
/// client, another domain, the server): presence for a bare JID reaches every available resource and
/// for a full JID that resource; probes are answered for the contact when the prober is subscribed.
/// Everything leaves through <see cref="StanzaDelivery"/>, which decides local or remote and applies
/// XEP-0191 blocking.
/// </summary>
internal sealed class PresenceModule(ISessionDirectory sessions, IRosterStore rosters, StanzaDelivery delivery, EventBus events) : IXmppModule
{
    public void Map(ModuleMap map)
    {
        map.Outgoing(StanzaKinds.Presence, Addressed.Account | Addressed.Resource | Addressed.Remote, SendingAsync);
        map.Presence(Addressed.Account | Addressed.Resource, ReceivingAsync);
        map.On<SessionClosed>(OnSessionClosedAsync);
        map.On<Unblocked>(OnUnblockedAsync);
    }

    /// <summary>Presence a local client sends: a broadcast is handled here; directed presence is remembered and delivered.</summary>
    private async ValueTask<Handling> SendingAsync(StanzaContext context)
    {
        var type = Stanza.Type(context.Stanza);
        if (type is not (null or "unavailable") || context.From is not ClientSession from)
        {
            // Probes, subscription stanzas (the roster module's, RFC 6121 §3) and errors go on as they are.
            return Handling.Continue;
        }

        if (context.To is null)
        {
            await BroadcastAsync(from, context.Stanza, type is null, context.CancellationToken).ConfigureAwait(false);
            return Handling.Done;
        }

        // RFC 6121 §4.6: directed presence goes to the addressee only, and is remembered until unavailable;
        // §4.6.2: directed available presence before initial presence is not tracked.
        var directed = from.Features.GetOrAdd(() => new DirectedPresence());
        lock (directed)
        {
            if (type is null && from.IsAvailable)
            {
                directed.Recipients.Add(context.To);
            }
            else
            {
                directed.Recipients.Remove(context.To);
            }
        }

        return Handling.Continue;
    }

    /// <summary>
    /// RFC 6121 §8.5.2.1.2 / §8.5.3.2.3 on the recipient side: to a bare JID every available resource,
    /// to a full JID that resource only; a probe is answered (§4.3.2).
    /// </summary>
    private async ValueTask<Handling> ReceivingAsync(StanzaContext context)
    {
        var type = Stanza.Type(context.Stanza);
        if (type == "probe")
        {
            await AnswerProbeAsync(context.To!.Bare, context.From, context.CancellationToken).ConfigureAwait(false);
            return Handling.Done;
        }

        if (type is not (null or "unavailable") && !(type == "error" && context.From.IsServerItself))
        {
            // Subscription stanzas are the roster module's (RFC 6121 §3); errors are dropped, but
            // for those the server itself answers with (a refused subscription request).
            return Handling.Continue;
        }

        var to = context.To!;
        if (to.Resource is not null)
        {
            if (sessions.Find(to) is { } target)
            {
                await delivery.DeliverAsync(context.From, context.Stanza, target, context.CancellationToken).ConfigureAwait(false);
            }

            return Handling.Done;
        }

        foreach (var resource in sessions.Resources(to))
        {
            if (resource.IsAvailable)
            {
                await delivery.DeliverAsync(context.From, context.Stanza, resource, context.CancellationToken).ConfigureAwait(false);
            }
        }

        return Handling.Done;
    }

    /// <summary>
    /// RFC 6121 §4.2.2, §4.4.2, §4.5.2: presence without 'to' goes to the account's available
    /// resources and to contacts with a subscription from it; unavailable also to directed recipients.
    /// </summary>
    private async ValueTask BroadcastAsync(ClientSession from, Element presence, bool available, CancellationToken cancellationToken)
    {
        var initial = available && !from.IsAvailable;
        if (available)
        {
            from.SetAvailable(presence, ParsePriority(presence));
        }
        else
        {
            from.SetUnavailable();
        }

        foreach (var resource in sessions.Resources(from.Account))
        {
            // One's own resources: no policy stands between them.
            if (resource.IsAvailable || ReferenceEquals(resource, from))
            {
                resource.Send(presence);
            }

            // RFC 6121 §4.4.2: a resource becoming available learns of its siblings' presence.
            if (initial && !ReferenceEquals(resource, from) && resource.Presence is { } sibling)
            {
                from.Send(sibling);
            }
        }

        var roster = await rosters.GetAsync(from.Account, cancellationToken).ConfigureAwait(false);
        var told = available ? null : TakeDirected(from);
        foreach (var item in roster.Items)
        {
            if (item.State.HasFrom)
            {
                // A contact's resources get the broadcast; directed presence to them adds nothing.
                told?.RemoveWhere(j => j.Bare.Equals(item.Contact));
                await delivery.SendAsync(from, presence, item.Contact, cancellationToken).ConfigureAwait(false);
            }
        }

        if (told is not null)
        {
            foreach (var recipient in told)
            {
                await delivery.SendAsync(from, presence, recipient, cancellationToken).ConfigureAwait(false);
            }
        }

        if (initial)
        {
            // RFC 6121 §4.2.2: probe the contacts the account is subscribed to.
            foreach (var item in roster.Items)
            {
                if (item.State.HasTo)
                {
                    await ProbeAsync(from, item.Contact, cancellationToken).ConfigureAwait(false);
                }
            }

            await events.PublishAsync(new InitialPresence(from)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// RFC 6121 §4.3.1: a probe from the account's bare JID. A local contact's answer comes back to
    /// the probing resource (the probe's origin), a remote contact's server answers the bare JID.
    /// </summary>
    private ValueTask ProbeAsync(ClientSession prober, Jid contact, CancellationToken cancellationToken)
    {
        var probe = new Element("presence", Namespaces.Client)
            .SetAttribute("from", prober.Account.ToString()).SetAttribute("to", contact.ToString()).SetAttribute("type", "probe");
        return delivery.SendAsync(prober, probe, contact, cancellationToken);
    }

    /// <summary>
    /// RFC 6121 §4.3.2 for a local contact: the last available presence of each of its available
    /// resources, or unavailable when it has none; nothing unless the contact's roster grants the
    /// prober a subscription. XEP-0191 §3.3: the delivery drops what a block stands between.
    /// </summary>
    private async ValueTask AnswerProbeAsync(Jid contact, Origin prober, CancellationToken cancellationToken)
    {
        if (await rosters.FindAsync(contact, prober.Account, cancellationToken).ConfigureAwait(false) is not { State.HasFrom: true })
        {
            return;
        }

        var answered = false;
        foreach (var resource in sessions.Resources(contact))
        {
            if (resource.Presence is { } presence)
            {
                await delivery.SendAsync(resource, presence.Clone().SetAttribute("to", prober.Jid.ToString()), prober.Jid, cancellationToken).ConfigureAwait(false);
                answered = true;
            }
        }

        if (!answered)
        {
            var unavailable = new Element("presence", Namespaces.Client)
                .SetAttribute("from", contact.ToString())
                .SetAttribute("to", prober.Jid.ToString())
                .SetAttribute("type", "unavailable");
            await delivery.SendAsync(Origin.Server(contact), unavailable, prober.Jid, cancellationToken).ConfigureAwait(false);
        }
    }

    private static HashSet<Jid>? TakeDirected(ClientSession from)
    {
        if (from.Features.Take<DirectedPresence>() is not { } directed)
        {
            return null;
        }

        lock (directed)
        {
            return [.. directed.Recipients];
        }
    }

    /// <summary>
    /// XEP-0191 §3.4: once a contact is unblocked, it gets the current presence of each available
    /// resource of the user when subscribed to it (blocking told it "unavailable"), and the user
    /// learns the contact's presence as a probe would (RFC 6121 §4.3.2) when subscribed to it.
    /// </summary>
    private async ValueTask OnUnblockedAsync(Unblocked unblocked)
    {
        var own = sessions.Resources(unblocked.Account).Where(r => r.IsAvailable).ToList();
        if (own.Count == 0)
        {
            return;
        }

        // Bare and domain items match as blocking matched them; a full JID item frees its account's contact.
        var items = new Blocklist(unblocked.Items);
        var roster = await rosters.GetAsync(unblocked.Account, CancellationToken.None).ConfigureAwait(false);
        foreach (var item in roster.Items)
        {
            if (!items.Matches(item.Contact) && !unblocked.Items.Any(j => j.Bare.Equals(item.Contact)))
            {
                continue;
            }

            foreach (var resource in own)
            {
                if (item.State.HasFrom && resource.Presence is { } presence)
                {
                    await delivery.SendAsync(resource, presence, item.Contact, CancellationToken.None).ConfigureAwait(false);
                }

                if (item.State.HasTo)
                {
                    await ProbeAsync(resource, item.Contact, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
    }

    private async ValueTask OnSessionClosedAsync(SessionClosed closed)
    {
        if (closed.Session.IsAvailable)
        {
            // RFC 6121 §4.5.4: a resource that vanishes without unavailable presence is announced as gone.
            var unavailable = new Element("presence", Namespaces.Client)
                .SetAttribute("from", closed.Session.Jid.ToString())
                .SetAttribute("type", "unavailable");
            await BroadcastAsync(closed.Session, unavailable, available: false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>RFC 6121 §4.7.2.3: an integer from -128 to 127; absent or invalid means 0.</summary>
    private static int ParsePriority(Element presence) =>
        int.TryParse(presence.ChildText("priority", Namespaces.Client), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p)
        && p is >= -128 and <= 127 ? p : 0;

    /// <summary>RFC 6121 §4.6.3: the JIDs a session sent directed available presence to; kept in the session.</summary>
    private sealed class DirectedPresence
    {
        public HashSet<Jid> Recipients { get; } = [];
    }
}
