using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Events;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.PrivateStorage;

/// <summary>
/// XEP-0049 private XML storage: an account keeps elements of its own namespaces on the server,
/// one per qualified name, readable and writable only by its own resources. The whole store of
/// an account is bounded by Limits:MaxPrivateXmlBytes.
/// </summary>
internal sealed class PrivateStorageModule(IPrivateXmlStore store, EventBus events, IOptions<ParleyOptions> options) : IXmppModule
{
    // XEP-0049 §2.3: reserved namespaces may be refused with not-acceptable. Refused here: the
    // stream and stanza namespaces and this protocol's own, which no client data can belong to,
    // and vcard-temp, which has its own protocol (the XEP's example). "" is no namespace at all.
    private static readonly FrozenSet<string> Reserved = FrozenSet.Create(
        StringComparer.Ordinal, "", Namespaces.Client, Namespaces.Server, Namespaces.Streams, Namespaces.PrivateXml, Namespaces.VCard);

    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.PrivateXml);
        map.Iq("get", "query", Namespaces.PrivateXml, Addressed.Account, GetAsync);
        map.Iq("set", "query", Namespaces.PrivateXml, Addressed.Account, SetAsync);
    }

    private async ValueTask<IqReply> GetAsync(IqContext context)
    {
        if (Refusal(context) is { } refusal)
        {
            return refusal;
        }

        if (context.Payload.ElementCount != 1)
        {
            // XEP-0049 §2.3: a client MUST NOT ask for more than one namespace in one get.
            return IqReply.Fail(StanzaErrorCondition.BadRequest, "Ask for one element per request");
        }

        var asked = context.Payload.FirstElement!;
        var stored = await store.GetAsync(context.To, asked.Name, asked.Namespace, context.CancellationToken).ConfigureAwait(false);
        var query = new Element("query", Namespaces.PrivateXml);

        // Nothing stored: the element comes back empty, as clients expect (XEP-0049 §2.3 examples).
        query.Add(stored is null ? new Element(asked.Name, asked.Namespace) : StoredXml.Read(stored));
        return IqReply.Result(query);
    }

    private async ValueTask<IqReply> SetAsync(IqContext context)
    {
        if (Refusal(context) is { } refusal)
        {
            return refusal;
        }

        var items = new List<PrivateXmlItem>();
        foreach (var element in context.Payload.Children())
        {
            // An empty element stores nothing: it removes what was there, and a get answers it alike.
            var empty = element.Nodes.Count == 0 && element.Attributes.Count == 0;
            items.Add(new PrivateXmlItem(element.Name, element.Namespace, empty ? null : StoredXml.Write(element)));
        }

        var max = options.Value.Limits.MaxPrivateXmlBytes;
        if (!await store.SetAsync(context.To, items, max, context.CancellationToken).ConfigureAwait(false))
        {
            return IqReply.Fail(StanzaErrorCondition.PolicyViolation, $"Private storage is limited to {max} bytes per account");
        }

        foreach (var element in context.Payload.Children())
        {
            await events.PublishAsync(new PrivateXmlStored(context.To, element)).ConfigureAwait(false);
        }

        return IqReply.Empty;
    }

    /// <summary>The checks get and set share: whose data, and which namespaces.</summary>
    private static IqReply? Refusal(IqContext context)
    {
        if (!context.To.Equals(context.Session?.Account))
        {
            // XEP-0049 §2.3: another user's private data is forbidden (preferred over service-unavailable).
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (context.Payload.ElementCount == 0)
        {
            // XEP-0049 §2.3: at least one child element with a proper namespace, else not-acceptable.
            return IqReply.Fail(StanzaErrorCondition.NotAcceptable, "Name the element to store or retrieve");
        }

        foreach (var element in context.Payload.Children())
        {
            if (Reserved.Contains(element.Namespace))
            {
                return IqReply.Fail(StanzaErrorCondition.NotAcceptable, $"Namespace '{element.Namespace}' is reserved");
            }
        }

        return null;
    }
}
