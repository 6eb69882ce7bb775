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
    private ModuleDispatcher Dispatcher => (ModuleDispatcher)services.GetService(typeof(ModuleDispatcher))!;

    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.DiscoInfo, Addressed.Server | Addressed.Account);
        map.Feature(Namespaces.DiscoItems, Addressed.Server | Addressed.Account);
        map.Identity("server", "im", "Parley");

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

        var query = new Element("query", Namespaces.DiscoInfo);
        if (context.Payload.GetAttribute("node") is not null)
        {
            // XEP-0030 §3.2: no nodes are published, so a node query is for something that does not exist.
            return IqReply.Fail(Xmpp.Stanzas.StanzaErrorCondition.ItemNotFound);
        }

        foreach (var identity in Dispatcher.Identities(context.Addressed))
        {
            query.AddElement("identity")
                .SetAttribute("category", identity.Category)
                .SetAttribute("type", identity.Type)
                .SetAttribute("name", identity.Name);
        }

        foreach (var feature in Dispatcher.Features(context.Addressed))
        {
            query.AddElement("feature").SetAttribute("var", feature);
        }

        return IqReply.Result(query);
    }

    /// <summary>XEP-0030 §4: the server lists the services it hosts (component domains); an account lists nothing.</summary>
    private async ValueTask<IqReply> ItemsAsync(IqContext context)
    {
        if (context.Addressed == Addressed.Account && !await privacy.RevealsAsync(context.From, context.To, context.CancellationToken).ConfigureAwait(false))
        {
            return IqReply.Fail(Xmpp.Stanzas.StanzaErrorCondition.ServiceUnavailable);
        }

        var query = new Element("query", Namespaces.DiscoItems);
        if (context.Addressed == Addressed.Server && context.Payload.GetAttribute("node") is null)
        {
            foreach (var component in domains.Components)
            {
                query.AddElement("item").SetAttribute("jid", component.Domain);
            }
        }

        return IqReply.Result(query);
    }
}
