using System.Globalization;
using Parley.Server.Modules.Events;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Presence;

/// <summary>
/// The minimal RFC 6121 presence: a resource's availability and priority, broadcast to the
/// account's own resources, and directed presence to local JIDs. Subscriptions and the roster
/// plug in beside it as their own module.
/// </summary>
internal sealed class PresenceModule(ISessionDirectory sessions) : IXmppModule
{
    private ModuleEvents? _events;

    public void Map(ModuleMap map)
    {
        _events = map.Events;
        map.Presence(Addressed.Account | Addressed.Resource, HandleAsync);
        map.On<SessionClosed>(OnSessionClosedAsync);
    }

    private async ValueTask<Handling> HandleAsync(StanzaContext context)
    {
        var type = Stanza.Type(context.Stanza);
        if (type is not (null or "unavailable"))
        {
            // Subscriptions, probes and errors are the roster module's (RFC 6121 §3); not handled here.
            return Handling.Continue;
        }

        if (context.To is null)
        {
            if (Broadcast(context.From, context.Stanza, type is null) && _events is not null)
            {
                await _events.PublishAsync(new InitialPresence(context.From)).ConfigureAwait(false);
            }
        }
        else if (context.Addressed == Addressed.Resource)
        {
            // RFC 6121 §8.5.3.2.3 (presence to an unbound full JID is dropped).
            sessions.Find(context.To)?.Send(context.Stanza);
        }
        else
        {
            // RFC 6121 §8.5.2.1.2: presence to a bare JID goes to every available resource.
            foreach (var resource in sessions.Resources(context.To))
            {
                if (resource.IsAvailable)
                {
                    resource.Send(context.Stanza);
                }
            }
        }

        return Handling.Done;
    }

    /// <summary>RFC 6121 §4.2.2 and §4.5.2: presence without 'to' goes to all of the account's available resources.</summary>
    /// <returns>True when this was the resource's initial presence.</returns>
    private bool Broadcast(ClientSession from, Element presence, bool available)
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

        return initial;
    }

    private ValueTask OnSessionClosedAsync(SessionClosed closed)
    {
        if (closed.Session.IsAvailable)
        {
            // RFC 6121 §4.5.4: a resource that vanishes without unavailable presence is announced as gone.
            closed.Session.SetUnavailable();
            var unavailable = new Element("presence", Namespaces.Client)
                .SetAttribute("from", closed.Session.Jid.ToString())
                .SetAttribute("type", "unavailable");
            foreach (var resource in sessions.Resources(closed.Session.Account))
            {
                if (resource.IsAvailable)
                {
                    resource.Send(unavailable);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>RFC 6121 §4.7.2.3: an integer from -128 to 127; absent or invalid means 0.</summary>
    private static int ParsePriority(Element presence) =>
        int.TryParse(presence.ChildText("priority", Namespaces.Client), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p)
        && p is >= -128 and <= 127 ? p : 0;
}
