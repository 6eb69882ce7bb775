using Parley.Server.Modules.Caps;
using Parley.Server.Modules.Events;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// XEP-0163 personal eventing on every account's bare JID, over the XEP-0060 subset PEP needs: the
/// account publishes (nodes created on first publish), retracts, configures, deletes and purges its
/// nodes; its contacts retrieve items as each node's access model admits. Interest is implied: the
/// presence a contact sends the account tells which of its resources are online and, through their
/// caps (XEP-0115), which nodes they want ("node+notify"); those get notifications, and the last
/// items when they come online.
/// </summary>
internal sealed class PepModule(PepRequests requests, PepOwnerRequests owner, PepNodeDisco nodeDisco, ContactResources contacts, CapsCache caps, PepNotifier notifier) : IXmppModule
{
    /// <summary>XEP-0060 §10 features of the subset this service implements (XEP-0163 §6.1 lists the account's).</summary>
    private static readonly string[] Features =
    [
        PepNamespaces.PubSub,
        "http://jabber.org/protocol/pubsub#access-open",
        "http://jabber.org/protocol/pubsub#access-presence",
        "http://jabber.org/protocol/pubsub#access-roster",
        "http://jabber.org/protocol/pubsub#access-whitelist",
        "http://jabber.org/protocol/pubsub#auto-create",
        "http://jabber.org/protocol/pubsub#auto-subscribe",
        "http://jabber.org/protocol/pubsub#config-node",
        "http://jabber.org/protocol/pubsub#create-and-configure",
        "http://jabber.org/protocol/pubsub#create-nodes",
        "http://jabber.org/protocol/pubsub#delete-nodes",
        "http://jabber.org/protocol/pubsub#filtered-notifications",
        "http://jabber.org/protocol/pubsub#item-ids",
        "http://jabber.org/protocol/pubsub#last-published",
        "http://jabber.org/protocol/pubsub#persistent-items",
        "http://jabber.org/protocol/pubsub#presence-notifications",
        PepNamespaces.PublishOptions,
        "http://jabber.org/protocol/pubsub#publish",
        "http://jabber.org/protocol/pubsub#purge-nodes",
        "http://jabber.org/protocol/pubsub#retract-items",
        "http://jabber.org/protocol/pubsub#retrieve-items",
    ];

    public void Map(ModuleMap map)
    {
        // XEP-0163 §6.1: the account's bare JID is a pubsub service of type pep.
        map.Identity("pubsub", "pep", addressed: Addressed.Account);
        foreach (var feature in Features)
        {
            map.Feature(feature, Addressed.Account);
        }

        map.Iq("set", "pubsub", PepNamespaces.PubSub, Addressed.Account, requests.SetAsync);
        map.Iq("get", "pubsub", PepNamespaces.PubSub, Addressed.Account, requests.GetAsync);
        map.Iq("set", "pubsub", PepNamespaces.Owner, Addressed.Account, owner.SetAsync);
        map.Iq("get", "pubsub", PepNamespaces.Owner, Addressed.Account, owner.GetAsync);
        map.DiscoItems(Addressed.Account, requests.ListNodesAsync);
        map.DiscoNode(Addressed.Account, nodeDisco.InfoAsync, nodeDisco.ItemsAsync);
        map.Presence(Addressed.Account | Addressed.Resource, PresenceToAccountAsync, Order.First);
        map.On<InitialPresence>(OnInitialPresenceAsync);
    }

    /// <summary>
    /// Presence another entity sends the account (a broadcast to the bare JID, a probe answer or
    /// directed presence to a resource): its resource is online with these caps, or gone. The presence
    /// itself goes on to the presence module. Room presence (XEP-0045) is not a contact's.
    /// </summary>
    private ValueTask<Handling> PresenceToAccountAsync(StanzaContext context)
    {
        var type = Stanza.Type(context.Stanza);
        var account = context.To!.Bare;
        var from = context.From.Jid;
        if (from.Resource is null || from.Bare.Equals(account) || context.Stanza.Child("x", Namespaces.MucUser) is not null)
        {
            return ValueTask.FromResult(Handling.Continue);
        }

        if (type == "unavailable")
        {
            contacts.Unavailable(account, from);
        }
        else if (type is null)
        {
            var announced = EntityCaps.From(context.Stanza);
            if (contacts.Available(account, from, announced) && announced is not null)
            {
                // Off the presence path: the caps may have to be asked for, and the items read.
                _ = SendLastItemsWhenKnownAsync(account, from, announced);
            }
        }

        return ValueTask.FromResult(Handling.Continue);
    }

    /// <summary>XEP-0163 §4.3.2: the owner's own resource coming online gets the last items it wants, too.</summary>
    private ValueTask OnInitialPresenceAsync(InitialPresence initial)
    {
        if (initial.Session.Presence is { } presence && EntityCaps.From(presence) is { } announced)
        {
            _ = SendLastItemsWhenKnownAsync(initial.Session.Account, initial.Session.Jid, announced);
        }

        return ValueTask.CompletedTask;
    }

    private async Task SendLastItemsWhenKnownAsync(Parley.Xmpp.Addressing.Jid account, Parley.Xmpp.Addressing.Jid resource, EntityCaps announced)
    {
        if (await caps.ResolveAsync(announced, resource, account.Domain).ConfigureAwait(false) is { } features)
        {
            await notifier.SendLastItemsAsync(account, resource, features).ConfigureAwait(false);
        }
    }
}
