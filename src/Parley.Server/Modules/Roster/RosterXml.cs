using System.Globalization;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Roster;

/// <summary>The jabber:iq:roster wire format (RFC 6121 §2.1) and the stream features of rosters.</summary>
internal static class RosterXml
{
    public const string Namespace = "jabber:iq:roster";

    /// <summary>RFC 6121 §2.6.1: the roster versioning stream feature.</summary>
    public const string VersioningFeature = "urn:xmpp:features:rosterver";

    /// <summary>RFC 6121 §3.4.1: the subscription pre-approval stream feature.</summary>
    public const string PreApprovalFeature = "urn:xmpp:features:pre-approval";

    public static string SubscriptionName(Subscription subscription) => subscription switch
    {
        Subscription.To => "to",
        Subscription.From => "from",
        Subscription.Both => "both",
        _ => "none",
    };

    public static Subscription? ParseSubscription(string? name) => name switch
    {
        "none" => Subscription.None,
        "to" => Subscription.To,
        "from" => Subscription.From,
        "both" => Subscription.Both,
        _ => null,
    };

    public static SubscriptionStanza? ParseStanzaType(string? type) => type switch
    {
        "subscribe" => SubscriptionStanza.Subscribe,
        "subscribed" => SubscriptionStanza.Subscribed,
        "unsubscribe" => SubscriptionStanza.Unsubscribe,
        "unsubscribed" => SubscriptionStanza.Unsubscribed,
        _ => null,
    };

    public static string StanzaTypeName(SubscriptionStanza stanza) => stanza switch
    {
        SubscriptionStanza.Subscribe => "subscribe",
        SubscriptionStanza.Subscribed => "subscribed",
        SubscriptionStanza.Unsubscribe => "unsubscribe",
        _ => "unsubscribed",
    };

    public static Element Query(long version) =>
        new Element("query", Namespace).SetAttribute("ver", version.ToString(CultureInfo.InvariantCulture));

    /// <summary>RFC 6121 §2.1.2: an item as the client sees it; ask and approved only when set.</summary>
    public static Element AddItem(Element query, RosterItem item)
    {
        var element = query.AddElement("item")
            .SetAttribute("jid", item.Contact.ToString())
            .SetAttribute("name", item.Name)
            .SetAttribute("subscription", SubscriptionName(item.State.Subscription))
            .SetAttribute("ask", item.State.PendingOut ? "subscribe" : null)
            .SetAttribute("approved", item.State.Approved ? "true" : null);
        foreach (var group in item.Groups)
        {
            element.AddElement("group").AddText(group);
        }

        return element;
    }

    /// <summary>RFC 6121 §2.5.2: the push announcing a removed item.</summary>
    public static Element AddRemoved(Element query, string contact) =>
        query.AddElement("item").SetAttribute("jid", contact).SetAttribute("subscription", "remove");

    /// <summary>RFC 6121 §2.1.6: a roster push to one resource; pushes carry no 'from' (the account itself).</summary>
    public static Element Push(string to, string id, Element query)
    {
        var iq = new Element("iq", Namespaces.Client).SetAttribute("type", "set").SetAttribute("id", id).SetAttribute("to", to);
        iq.Add(query);
        return iq;
    }
}
