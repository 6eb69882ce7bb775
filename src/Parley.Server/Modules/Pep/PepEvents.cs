using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Pep;

/// <summary>The &lt;event/&gt; payloads of XEP-0060 §7 notifications, and items as retrieval returns them (§6.5).</summary>
internal static class PepEvents
{
    /// <summary>§7.1.2.1: a published item, with its payload.</summary>
    public static Element Published(string node, string id, Element payload)
    {
        var @event = new Element("event", PepNamespaces.Event);
        @event.AddElement("items", PepNamespaces.Event).SetAttribute("node", node).Add(Item(id, payload, PepNamespaces.Event));
        return @event;
    }

    /// <summary>§7.2.2.1: a retracted item.</summary>
    public static Element Retracted(string node, string id)
    {
        var @event = new Element("event", PepNamespaces.Event);
        @event.AddElement("items", PepNamespaces.Event).SetAttribute("node", node)
            .AddElement("retract", PepNamespaces.Event).SetAttribute("id", id);
        return @event;
    }

    /// <summary>§8.4.3.2 (delete) and §8.5.3.2 (purge): what happened to the node, by element name.</summary>
    public static Element Of(string what, string node)
    {
        var @event = new Element("event", PepNamespaces.Event);
        @event.AddElement(what, PepNamespaces.Event).SetAttribute("node", node);
        return @event;
    }

    public static Element Item(string id, Element payload, string ns)
    {
        var item = new Element("item", ns).SetAttribute("id", id);
        item.Add(payload);
        return item;
    }
}
