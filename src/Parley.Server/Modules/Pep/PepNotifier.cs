using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Parley.Server.Diagnostics;
using Parley.Server.Modules.Caps;
using Parley.Server.Modules.Roster;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// XEP-0163 §4.3 notifications: to the owner's available resources and to the contacts' resources
/// that announced "node+notify" in their caps (XEP-0115) and may see the node (its access model,
/// decided on one read of the owner's roster). Interest and caps are in memory, so the fan-out reads
/// no database per contact. Also sends a node's last item to a resource that has just come online.
/// </summary>
internal sealed class PepNotifier(
    ISessionDirectory sessions,
    ContactResources contacts,
    CapsCache caps,
    IRosterStore rosters,
    IPepStore store,
    StanzaDelivery delivery,
    ILogger<PepNotifier> logger)
{
    private long _nextId;

    /// <summary>Sends an &lt;event/&gt; about the owner's node to every resource interested in it and allowed to see it.</summary>
    public async ValueTask NotifyAsync(Jid owner, PepNode node, Element @event, CancellationToken cancellationToken)
    {
        var notify = node.Name + PepNamespaces.NotifySuffix;
        var id = NextId();
        foreach (var session in sessions.Resources(owner))
        {
            if (session.Presence is { } presence && Wants(presence, notify))
            {
                await SendAsync(owner, session.Jid, @event, id, cancellationToken).ConfigureAwait(false);
            }
        }

        if (node.Config.Access == AccessModel.Whitelist)
        {
            return;
        }

        Dictionary<Jid, RosterItem>? roster = null;
        foreach (var (resource, announced) in contacts.Of(owner))
        {
            if (announced is null || !caps.TryGet(announced, out var features) || !features.Contains(notify))
            {
                continue;
            }

            if (node.Config.Access != AccessModel.Open)
            {
                // One roster read per publish, and only when someone interested needs checking.
                roster ??= (await rosters.GetAsync(owner, cancellationToken).ConfigureAwait(false)).Items.ToDictionary(i => i.Contact);
                if (!PepAccess.Allows(node.Config, roster.GetValueOrDefault(resource.Bare)))
                {
                    continue;
                }
            }

            await SendAsync(owner, resource, @event, id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// XEP-0163 §4.3.2 / XEP-0060 send_last_published_item "on_sub_and_presence": the last item of each
    /// node the resource wants (+notify in its features) and may see.
    /// </summary>
    public async Task SendLastItemsAsync(Jid owner, Jid recipient, FrozenSet<string> features)
    {
        try
        {
            if (!features.Any(f => f.EndsWith(PepNamespaces.NotifySuffix, StringComparison.Ordinal)))
            {
                return;
            }

            var isOwner = recipient.Bare.Equals(owner);
            RosterItem? contact = null;
            var rosterRead = isOwner;
            foreach (var node in await store.NodesAsync(owner, CancellationToken.None).ConfigureAwait(false))
            {
                if (node.Config.SendLast != SendLastPublishedItem.OnSubAndPresence || !features.Contains(node.Name + PepNamespaces.NotifySuffix))
                {
                    continue;
                }

                if (!isOwner)
                {
                    if (!rosterRead)
                    {
                        contact = await rosters.FindAsync(owner, recipient.Bare, CancellationToken.None).ConfigureAwait(false);
                        rosterRead = true;
                    }

                    if (!PepAccess.Allows(node.Config, contact))
                    {
                        continue;
                    }
                }

                if ((await store.ItemsAsync(owner, node.Name, 1, null, CancellationToken.None).ConfigureAwait(false)) is [var last, ..])
                {
                    var @event = PepEvents.Published(node.Name, last.Id, StoredXml.Read(last.Xml));
                    await SendAsync(owner, recipient, @event, NextId(), CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PepLog.LastItemsFailed(logger, owner.ToString(), recipient.ToString(), e);
        }
    }

    /// <summary>Whether a resource's presence announces caps whose features include the given +notify.</summary>
    private bool Wants(Element presence, string notify) =>
        EntityCaps.From(presence) is { } announced && caps.TryGet(announced, out var features) && features.Contains(notify);

    /// <summary>
    /// XEP-0163 §4.3 example: a headline message from the owner's bare JID. The event element is shared
    /// by every recipient's message (nothing on the way out changes it). A local resource is delivered
    /// to directly (filters included); anyone else through the delivery path.
    /// </summary>
    private async ValueTask SendAsync(Jid owner, Jid to, Element @event, string id, CancellationToken cancellationToken)
    {
        var message = new Element("message", Namespaces.Client)
            .SetAttribute("from", owner.ToString())
            .SetAttribute("to", to.ToString())
            .SetAttribute("type", "headline")
            .SetAttribute("id", id);
        message.Add(@event);
        var from = Origin.Server(owner);
        if (delivery.Classify(to) == Modules.Addressed.Resource)
        {
            if (sessions.Find(to) is { } session)
            {
                await delivery.DeliverAsync(from, message, session, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await delivery.SendAsync(from, message, to, cancellationToken).ConfigureAwait(false);
        }
    }

    private string NextId() => "pep-" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
