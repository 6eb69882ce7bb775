using System.Collections.Concurrent;
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
/// RFC 6121 §4: a resource's availability and priority, broadcast to the account's own resources
/// and to contacts subscribed to it ("from"/"both"); probes of the contacts it is subscribed to,
/// answered here for local contacts; directed presence, remembered so that going offline reaches
/// whoever was told of availability. Presence it sends to another account's resources bypasses the
/// router, so it passes the XEP-0191 blocklists here (<see cref="SendAsync"/>). Presence for and
/// probes of remote contacts leave through the remote router; presence from remote contacts
/// (a sender whose domain is not hosted) is delivered like a local contact's.
/// </summary>
internal sealed class PresenceModule(ISessionDirectory sessions, IRosterStore rosters, HostedDomains domains, Blocklists blocklists, IRemoteRouter remote) : IXmppModule
{
    // RFC 6121 §4.6.3: per session, the JIDs that received directed available presence. Changed by
    // the session's read loop and, once it has ended, by SessionClosed.
    private readonly ConcurrentDictionary<ClientSession, HashSet<Jid>> _directed = new();

    private ModuleEvents? _events;

    public void Map(ModuleMap map)
    {
        _events = map.Events;
        map.Presence(Addressed.Account | Addressed.Resource, HandleAsync);
        map.On<SessionClosed>(OnSessionClosedAsync);
        map.On<Unblocked>(OnUnblockedAsync);
    }

    private async ValueTask<Handling> HandleAsync(StanzaContext context)
    {
        var type = Stanza.Type(context.Stanza);
        if (type == "probe" && context.To is { } probed)
        {
            // RFC 6121 §4.3.2: answered for the contact, only when the prober is subscribed.
            await AnswerProbeAsync(probed.Bare, context.From, context.CancellationToken).ConfigureAwait(false);
            return Handling.Done;
        }

        if (type is not (null or "unavailable"))
        {
            // Subscription stanzas are the roster module's (RFC 6121 §3); errors are dropped.
            return Handling.Continue;
        }

        if (context.To is null)
        {
            await BroadcastAsync(context.From, context.Stanza, type is null, context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            await DirectedAsync(context.From, context.Stanza, context.To, type is null, context.CancellationToken).ConfigureAwait(false);
        }

        return Handling.Done;
    }

    /// <summary>RFC 6121 §4.6: delivered to the addressee only, and remembered until unavailable.</summary>
    private async ValueTask DirectedAsync(ClientSession from, Element presence, Jid to, bool available, CancellationToken cancellationToken)
    {
        if (!domains.Contains(from.Jid.Domain))
        {
            // From another server (RFC 6121 §4.4.3, §4.5.3): delivered; its server tracks what it sent.
            await DeliverAsync(from.Jid, to, presence, cancellationToken).ConfigureAwait(false);
            return;
        }

        var recipients = _directed.GetOrAdd(from, _ => []);
        lock (recipients)
        {
            // §4.6.2: directed available presence before initial presence is not tracked.
            if (available && from.IsAvailable)
            {
                recipients.Add(to);
            }
            else
            {
                recipients.Remove(to);
            }
        }

        await DeliverAsync(from.Jid, to, presence, cancellationToken).ConfigureAwait(false);
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
                await DeliverAsync(from.Jid, item.Contact, presence, cancellationToken).ConfigureAwait(false);
            }
        }

        if (told is not null)
        {
            foreach (var recipient in told)
            {
                await DeliverAsync(from.Jid, recipient, presence, cancellationToken).ConfigureAwait(false);
            }
        }

        if (initial)
        {
            // RFC 6121 §4.2.2: probe the contacts the account is subscribed to.
            foreach (var item in roster.Items)
            {
                if (item.State.HasTo)
                {
                    await AnswerProbeAsync(item.Contact, from, cancellationToken).ConfigureAwait(false);
                }
            }

            if (_events is not null)
            {
                await _events.PublishAsync(new InitialPresence(from)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// RFC 6121 §4.3.2 for a local contact: the last available presence of each of its available
    /// resources, or unavailable when it has none; nothing unless the contact's roster grants the
    /// prober a subscription. A remote contact is sent a probe from the account's bare JID (§4.3.1)
    /// and its server answers. XEP-0191 §3.3: nothing passes a block between a contact's resource
    /// and the prober, either way.
    /// </summary>
    private async ValueTask AnswerProbeAsync(Jid contact, ClientSession prober, CancellationToken cancellationToken)
    {
        if (!domains.Contains(contact.Domain))
        {
            if (domains.Contains(prober.Jid.Domain))
            {
                var probe = new Element("presence", Namespaces.Client)
                    .SetAttribute("from", prober.Account.ToString()).SetAttribute("to", contact.ToString()).SetAttribute("type", "probe");
                remote.Send(probe, prober.Account, contact);
            }

            return;
        }

        if (await rosters.FindAsync(contact, prober.Account, cancellationToken).ConfigureAwait(false) is not { State.HasFrom: true })
        {
            return;
        }

        var answered = false;
        foreach (var resource in sessions.Resources(contact))
        {
            if (resource.Presence is { } presence)
            {
                await SendAsync(resource.Jid, prober, presence.Clone().SetAttribute("to", prober.Jid.ToString()), cancellationToken).ConfigureAwait(false);
                answered = true;
            }
        }

        if (!answered)
        {
            var unavailable = new Element("presence", Namespaces.Client)
                .SetAttribute("from", contact.ToString())
                .SetAttribute("to", prober.Jid.ToString())
                .SetAttribute("type", "unavailable");
            await SendAsync(contact, prober, unavailable, cancellationToken).ConfigureAwait(false);
        }
    }

    private HashSet<Jid>? TakeDirected(ClientSession from)
    {
        if (!_directed.TryRemove(from, out var recipients))
        {
            return null;
        }

        lock (recipients)
        {
            return [.. recipients];
        }
    }

    /// <summary>
    /// RFC 6121 §8.5.2.1.2 / §8.5.3.2.3: to a bare JID every available resource, to a full JID that
    /// resource only; to another domain through the remote router, addressed (§4.2.2: the user's
    /// server stamps 'to' with each contact's JID).
    /// </summary>
    private async ValueTask DeliverAsync(Jid from, Jid to, Element presence, CancellationToken cancellationToken)
    {
        if (!domains.Contains(to.Domain))
        {
            if (domains.Contains(from.Domain))
            {
                remote.Send(presence.Clone().SetAttribute("from", from.ToString()).SetAttribute("to", to.ToString()), from, to);
            }

            return;
        }

        if (to.Resource is not null)
        {
            if (sessions.Find(to) is { } target)
            {
                await SendAsync(from, target, presence, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        foreach (var resource in sessions.Resources(to))
        {
            if (resource.IsAvailable)
            {
                await SendAsync(from, resource, presence, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// XEP-0191 §3.3: the one way presence reaches another account's resource. It never passes the
    /// router's filter, so it is checked here against both accounts' blocklists: a blocked contact
    /// gets none of the user's presence, and the user none of the contact's.
    /// </summary>
    private async ValueTask SendAsync(Jid from, ClientSession recipient, Element presence, CancellationToken cancellationToken)
    {
        if (!await blocklists.SeparateAsync(from, recipient.Jid, cancellationToken).ConfigureAwait(false))
        {
            recipient.Send(presence);
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
                    await DeliverAsync(resource.Jid, item.Contact, presence, CancellationToken.None).ConfigureAwait(false);
                }

                if (item.State.HasTo)
                {
                    await AnswerProbeAsync(item.Contact, resource, CancellationToken.None).ConfigureAwait(false);
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

        _directed.TryRemove(closed.Session, out _);
    }

    /// <summary>RFC 6121 §4.7.2.3: an integer from -128 to 127; absent or invalid means 0.</summary>
    private static int ParsePriority(Element presence) =>
        int.TryParse(presence.ChildText("priority", Namespaces.Client), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p)
        && p is >= -128 and <= 127 ? p : 0;
}
