using Parley.Server.Modules.Caps;
using Parley.Server.Routing;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Disco;

/// <summary>
/// XEP-0030 service discovery for the server domain and for account bare JIDs, each listing what
/// the modules declared for that addressee. Component domains answer for themselves: the router
/// hands them every stanza, disco included.
/// </summary>
internal sealed class DiscoModule(IServiceProvider services, HostedDomains domains, AccountPrivacy privacy) : IXmppModule
{
    // The dispatcher is built from every module, this one included, so it is looked up at query time.
    private string? _serverCapsNode;

    private ModuleDispatcher Dispatcher => (ModuleDispatcher)services.GetService(typeof(ModuleDispatcher))!;

    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.DiscoInfo, Addressed.Server | Addressed.Account);
        map.Feature(Namespaces.DiscoItems, Addressed.Server | Addressed.Account);
        map.Identity("server", "im", "Parley");
        map.Feature(CapsNamespaces.Caps);
        map.StreamFeature(StreamStage.PostAuthentication, ServerCaps);

        // XEP-0030 §3.1 / RFC 6121 §8.5.2.1.3: the server answers for the account, as a registered account.
        map.Identity("account", "registered", addressed: Addressed.Account);
        map.Iq("get", "query", Namespaces.DiscoInfo, Addressed.Server | Addressed.Account, InfoAsync);
        map.Iq("get", "query", Namespaces.DiscoItems, Addressed.Server | Addressed.Account, ItemsAsync);
    }

    private async ValueTask<IqReply> InfoAsync(IqContext context)
    {
        if (context.Addressed == Addressed.Account && !await privacy.RevealsAsync(context.From, context.To, context.CancellationToken).ConfigureAwait(false))
        {
            // XEP-0030 §8: as for an unknown account, so the answer does not enumerate accounts.
            return IqReply.Fail(Xmpp.Stanzas.StanzaErrorCondition.ServiceUnavailable);
        }

        if (context.Payload.GetAttribute("node") is { } node)
        {
            // XEP-0115 §6.2: the server's own caps node answers as the server does; other nodes are
            // the modules' (an account's PEP nodes), and XEP-0030 §3.2: one nobody knows does not exist.
            return context.Addressed == Addressed.Server && node == ServerCapsNode
                ? IqReply.Result(Info(Addressed.Server).SetAttribute("node", node))
                : await NodeAsync(context, node, static source => source.Info).ConfigureAwait(false) ?? IqReply.Fail(Xmpp.Stanzas.StanzaErrorCondition.ItemNotFound);
        }

        return IqReply.Result(Info(context.Addressed));
    }

    /// <summary>The server's caps node and ver (XEP-0115 §4), from its frozen identities and features.</summary>
    private string ServerCapsNode => _serverCapsNode ??= CapsNamespaces.ServerNode + "#" + ServerVer;

    private string ServerVer => CapsVerification.Compute("sha-1", Info(Addressed.Server))!;

    /// <summary>XEP-0115 §6.3: a server announces its caps in the stream features, having no presence.</summary>
    private Element ServerCaps(StreamFeatureContext context) =>
        new Element("c", CapsNamespaces.Caps).SetAttribute("hash", "sha-1").SetAttribute("node", CapsNamespaces.ServerNode).SetAttribute("ver", ServerCapsNode[(CapsNamespaces.ServerNode.Length + 1)..]);

    private Element Info(Addressed addressee)
    {
        var query = new Element("query", Namespaces.DiscoInfo);
        foreach (var identity in Dispatcher.Identities(addressee))
        {
            query.AddElement("identity")
                .SetAttribute("category", identity.Category)
                .SetAttribute("type", identity.Type)
                .SetAttribute("name", identity.Name);
        }

        foreach (var feature in Dispatcher.Features(addressee))
        {
            query.AddElement("feature").SetAttribute("var", feature);
        }

        return query;
    }

    /// <summary>XEP-0030 §4: the server lists the services it hosts (component domains); both list what modules add (an account's PEP nodes).</summary>
    private async ValueTask<IqReply> ItemsAsync(IqContext context)
    {
        if (context.Addressed == Addressed.Account && !await privacy.RevealsAsync(context.From, context.To, context.CancellationToken).ConfigureAwait(false))
        {
            return IqReply.Fail(Xmpp.Stanzas.StanzaErrorCondition.ServiceUnavailable);
        }

        if (context.Payload.GetAttribute("node") is { } node)
        {
            // A node nobody knows lists nothing (as before nodes were published), so clients probing for
            // XEP-0050 commands and the like get an empty list rather than an error.
            return await NodeAsync(context, node, static source => source.Items).ConfigureAwait(false) ?? IqReply.Result(new Element("query", Namespaces.DiscoItems).SetAttribute("node", node));
        }

        var query = new Element("query", Namespaces.DiscoItems);
        if (context.Addressed == Addressed.Server)
        {
            foreach (var component in domains.Components)
            {
                query.AddElement("item").SetAttribute("jid", component.Domain);
            }
        }

        foreach (var source in Dispatcher.DiscoItemSources(context.Addressed))
        {
            await source(context, query).ConfigureAwait(false);
        }

        return IqReply.Result(query);
    }

    /// <summary>The answer of the first module that knows the node; null when none does.</summary>
    private async ValueTask<IqReply?> NodeAsync(IqContext context, string node, Func<(DiscoNode Info, DiscoNode Items), DiscoNode> which)
    {
        foreach (var source in Dispatcher.DiscoNodeSources(context.Addressed))
        {
            if (await which(source)(context, node).ConfigureAwait(false) is { } reply)
            {
                return reply;
            }
        }

        return null;
    }
}
