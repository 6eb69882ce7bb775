using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Pep;

/// <summary>The XEP-0060 requests the PEP tests send, and what they read from the answers.</summary>
internal static class PepClients
{
    public const string PubSub = "http://jabber.org/protocol/pubsub";
    public const string Owner = "http://jabber.org/protocol/pubsub#owner";
    public const string Event = "http://jabber.org/protocol/pubsub#event";
    public const string Errors = "http://jabber.org/protocol/pubsub#errors";

    /// <summary>Publishes one item; <paramref name="options"/> are publish-options fields (XEP-0060 §7.1.5).</summary>
    public static Task<Element> PublishAsync(this ImClient client, string node, string? id, string payload, params (string Var, string Value)[] options)
    {
        var item = id is null ? $"<item>{payload}</item>" : $"<item id='{id}'>{payload}</item>";
        var publishOptions = options.Length == 0 ? "" : $"<publish-options>{Form("http://jabber.org/protocol/pubsub#publish-options", "submit", options)}</publish-options>";
        return client.IqAsync("set", $"<pubsub xmlns='{PubSub}'><publish node='{node}'>{item}</publish>{publishOptions}</pubsub>");
    }

    public static Task<Element> ItemsAsync(this ImClient client, string owner, string node, string attributes = "", string inner = "") =>
        client.IqAsync("get", $"<pubsub xmlns='{PubSub}'><items node='{node}' {attributes}>{inner}</items></pubsub>", owner);

    public static Task<Element> ConfigureAsync(this ImClient client, string node, params (string Var, string Value)[] fields) =>
        client.IqAsync("set", $"<pubsub xmlns='{Owner}'><configure node='{node}'>{Form("http://jabber.org/protocol/pubsub#node_config", "submit", fields)}</configure></pubsub>");

    /// <summary>The ids of the items of an items result, in the order returned.</summary>
    public static List<string> ItemIds(Element result)
    {
        Assert.Equal("result", result.GetAttribute("type"));
        return [.. result.Child("pubsub", PubSub)!.Child("items", PubSub)!.Children("item", PubSub).Select(i => i.GetAttribute("id")!)];
    }

    /// <summary>The id the service gave a published item.</summary>
    public static string PublishedId(Element result)
    {
        Assert.True(result.GetAttribute("type") == "result", result.ToString());
        return result.Child("pubsub", PubSub)!.Child("publish", PubSub)!.Child("item", PubSub)!.GetAttribute("id")!;
    }

    /// <summary>The pubsub-specific condition of an error (XEP-0060 §14), or null.</summary>
    public static string? Specific(Element stanza) =>
        stanza.Child("error", Namespaces.Client)?.Children().FirstOrDefault(c => c.Namespace == Errors)?.Name;

    /// <summary>The next notification about a node from the owner: the &lt;items/&gt; (or purge/delete) element.</summary>
    public static async Task<Element> EventAsync(this ImClient client, string owner, string node)
    {
        var message = await client.WaitForAsync(
            e => e.Name == "message" && e.GetAttribute("from") == owner && e.Child("event", Event)?.FirstElement?.GetAttribute("node") == node,
            $"a PEP event about {node} from {owner}");
        Assert.Equal("headline", message.GetAttribute("type"));
        return message.Child("event", Event)!.FirstElement!;
    }

    public static bool IsEvent(Element e) => e.Name == "message" && e.Child("event", Event) is not null;

    private static string Form(string formType, string type, (string Var, string Value)[] fields) =>
        $"<x xmlns='jabber:x:data' type='{type}'><field var='FORM_TYPE' type='hidden'><value>{formType}</value></field>"
        + string.Concat(fields.Select(f => $"<field var='{f.Var}'><value>{f.Value}</value></field>")) + "</x>";
}
