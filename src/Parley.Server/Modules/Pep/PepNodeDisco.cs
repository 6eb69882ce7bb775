using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// XEP-0060 §5.3-§5.5 on an account's PEP nodes: disco#info on a node tells it is a leaf and gives
/// its metadata (§5.4), disco#items on a node lists its item ids (§5.5). A node the asker may not
/// see answers as one that does not exist, as the account's disco#items hides it (§5.2).
/// </summary>
internal sealed class PepNodeDisco(IPepStore store, PepRequests requests)
{
    private const string MetaData = "http://jabber.org/protocol/pubsub#meta-data";

    public async ValueTask<IqReply?> InfoAsync(IqContext context, string nodeName)
    {
        if (await VisibleAsync(context, nodeName).ConfigureAwait(false) is not { } node)
        {
            return null;
        }

        var query = new Element("query", Namespaces.DiscoInfo).SetAttribute("node", nodeName);
        query.AddElement("identity").SetAttribute("category", "pubsub").SetAttribute("type", "leaf");
        query.AddElement("feature").SetAttribute("var", PepNamespaces.PubSub);

        // §5.4: the node's metadata as a result form.
        var form = query.AddElement("x", Namespaces.DataForms).SetAttribute("type", "result");
        Field(form, "FORM_TYPE", MetaData).SetAttribute("type", "hidden");
        Field(form, "pubsub#owner", context.To.ToString());
        Field(form, "pubsub#access_model", NodeConfigForm.AccessName(node.Config.Access));
        Field(form, "pubsub#max_items", node.Config.MaxItems?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "max");
        return IqReply.Result(query);
    }

    public async ValueTask<IqReply?> ItemsAsync(IqContext context, string nodeName)
    {
        if (await VisibleAsync(context, nodeName).ConfigureAwait(false) is null)
        {
            return null;
        }

        // §5.5: one item per published item, named by its id; newest first as stored, listed oldest first.
        var query = new Element("query", Namespaces.DiscoItems).SetAttribute("node", nodeName);
        var items = await store.ItemsAsync(context.To, nodeName, null, null, context.CancellationToken).ConfigureAwait(false);
        for (var i = items.Count - 1; i >= 0; i--)
        {
            query.AddElement("item").SetAttribute("jid", context.To.ToString()).SetAttribute("name", items[i].Id);
        }

        return IqReply.Result(query);
    }

    private async ValueTask<PepNode?> VisibleAsync(IqContext context, string nodeName) =>
        await store.FindAsync(context.To, nodeName, context.CancellationToken).ConfigureAwait(false) is { } node
            && await requests.MaySeeAsync(context, node.Config).ConfigureAwait(false)
            ? node
            : null;

    private static Element Field(Element form, string var, string value)
    {
        var field = form.AddElement("field").SetAttribute("var", var);
        field.AddElement("value").AddText(value);
        return field;
    }
}
