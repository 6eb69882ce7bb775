using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Modules.Events;
using Parley.Server.Modules.Roster;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// The entity use cases of XEP-0060 on an account's PEP service (XEP-0163): publish with auto-create
/// and publish-options (§7.1), retract (§7.2), create (§8.1) by the owner; item retrieval (§6.5) by
/// anyone the node's access model admits. Changes to one account's nodes take turns under its lock,
/// so a precondition is checked against the configuration the publish lands on.
/// </summary>
internal sealed class PepRequests(IPepStore store, PepPublisher publisher, IRosterStore rosters, EventBus events, IOptions<ParleyOptions> options)
{
    /// <summary>XEP-0060 leaves ids to the service; bounded so a stored key stays small.</summary>
    public const int MaxIdBytes = 1023;

    private PepOptions Limits => options.Value.Pep;

    public ValueTask<IqReply> SetAsync(IqContext context)
    {
        var action = context.Payload.FirstElement;
        return action?.Namespace != PepNamespaces.PubSub ? ValueTask.FromResult(IqReply.Fail(StanzaErrorCondition.BadRequest))
            : action.Name switch
            {
                "publish" => PublishAsync(context, action, context.Payload.Child("publish-options", PepNamespaces.PubSub)),
                "retract" => RetractAsync(context, action),
                "create" => CreateAsync(context, action, context.Payload.Child("configure", PepNamespaces.PubSub)),
                "subscribe" or "unsubscribe" or "options" => ValueTask.FromResult(PubSubErrors.Fail(PubSubErrors.Unsupported("subscribe"))),
                _ => ValueTask.FromResult(IqReply.Fail(StanzaErrorCondition.BadRequest)),
            };
    }

    public ValueTask<IqReply> GetAsync(IqContext context)
    {
        var action = context.Payload.FirstElement;
        return action?.Namespace != PepNamespaces.PubSub ? ValueTask.FromResult(IqReply.Fail(StanzaErrorCondition.BadRequest))
            : action.Name switch
            {
                "items" => ItemsAsync(context, action),
                "subscriptions" => ValueTask.FromResult(PubSubErrors.Fail(PubSubErrors.Unsupported("retrieve-subscriptions"))),
                "affiliations" => ValueTask.FromResult(PubSubErrors.Fail(PubSubErrors.Unsupported("retrieve-affiliations"))),
                "default" or "options" => ValueTask.FromResult(PubSubErrors.Fail(PubSubErrors.Unsupported("retrieve-default"))),
                _ => ValueTask.FromResult(IqReply.Fail(StanzaErrorCondition.BadRequest)),
            };
    }

    /// <summary>Only the account itself changes its PEP service (XEP-0163 §7: publishing to another's is forbidden).</summary>
    public static bool IsOwner(IqContext context) => context.Session?.Account.Equals(context.To) == true;

    /// <summary>The node attribute, checked: present (nodeid-required, XEP-0060 §7.1.3.3) and bounded.</summary>
    public static bool TryNode(Element action, out string node, out IqReply refusal)
    {
        node = action.GetAttribute("node") ?? "";
        refusal = default;
        if (node.Length == 0)
        {
            refusal = PubSubErrors.Fail(StanzaErrorCondition.BadRequest, "nodeid-required");
            return false;
        }

        if (Encoding.UTF8.GetByteCount(node) > MaxIdBytes)
        {
            refusal = IqReply.Fail(StanzaErrorCondition.NotAcceptable, $"Node names are limited to {MaxIdBytes} bytes");
            return false;
        }

        return true;
    }

    private async ValueTask<IqReply> PublishAsync(IqContext context, Element publish, Element? publishOptions)
    {
        if (!IsOwner(context))
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden, "Only the account publishes to its PEP service");
        }

        if (!TryNode(publish, out var nodeName, out var refusal))
        {
            return refusal;
        }

        // XEP-0060 §7.1.3.5-§7.1.3.6: one item, and one payload in it.
        var items = publish.Children("item", PepNamespaces.PubSub).ToList();
        if (items.Count == 0)
        {
            return PubSubErrors.Fail(StanzaErrorCondition.BadRequest, "item-required");
        }

        if (items.Count > 1 || publish.ElementCount > 1)
        {
            return PubSubErrors.Fail(StanzaErrorCondition.BadRequest, "invalid-payload", "Publish one item at a time");
        }

        var item = items[0];
        if (item.ElementCount == 0)
        {
            return PubSubErrors.Fail(StanzaErrorCondition.BadRequest, "payload-required");
        }

        if (item.ElementCount > 1)
        {
            return PubSubErrors.Fail(StanzaErrorCondition.BadRequest, "invalid-payload", "An item carries one payload element");
        }

        var id = item.GetAttribute("id") is { Length: > 0 } given ? given : Guid.NewGuid().ToString("N");
        if (Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
        {
            return IqReply.Fail(StanzaErrorCondition.BadRequest, $"Item ids are limited to {MaxIdBytes} bytes");
        }

        var payload = item.FirstElement!;
        var form = publishOptions?.Child("x", Namespaces.DataForms);
        if (await publisher.PublishAsync(context.To, nodeName, id, payload, form, NodeConfig.Default, context.CancellationToken).ConfigureAwait(false) is { } error)
        {
            return PubSubErrors.Fail(error);
        }

        await events.PublishAsync(new PepNodeChanged(context.To, nodeName, payload)).ConfigureAwait(false);
        var result = new Element("pubsub", PepNamespaces.PubSub);
        result.AddElement("publish", PepNamespaces.PubSub).SetAttribute("node", nodeName)
            .AddElement("item", PepNamespaces.PubSub).SetAttribute("id", id);
        return IqReply.Result(result);
    }

    private async ValueTask<IqReply> RetractAsync(IqContext context, Element retract)
    {
        if (!IsOwner(context))
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (!TryNode(retract, out var nodeName, out var refusal))
        {
            return refusal;
        }

        if (retract.Child("item", PepNamespaces.PubSub)?.GetAttribute("id") is not { Length: > 0 } id)
        {
            // XEP-0060 §7.2.3.3.
            return PubSubErrors.Fail(StanzaErrorCondition.BadRequest, "item-required");
        }

        // XEP-0060 §7.2.2.1: notify="true" asks for the notification; without it the node's configuration decides.
        bool? notify = retract.GetAttribute("notify") is { } asked ? asked is "true" or "1" : null;
        if (await publisher.RetractAsync(context.To, nodeName, id, notify, context.CancellationToken).ConfigureAwait(false) is null)
        {
            // XEP-0060 §7.2.3.5 / §7.2.3.6: no such node, or no such item.
            return IqReply.Fail(StanzaErrorCondition.ItemNotFound);
        }

        await events.PublishAsync(new PepNodeChanged(context.To, nodeName, null)).ConfigureAwait(false);
        return IqReply.Empty;
    }

    private async ValueTask<IqReply> CreateAsync(IqContext context, Element create, Element? configure)
    {
        if (!IsOwner(context))
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (!TryNode(create, out var nodeName, out var refusal))
        {
            // XEP-0060 §8.1.3: PEP has no instant nodes.
            return refusal;
        }

        var config = NodeConfig.Default;
        if (configure?.Child("x", Namespaces.DataForms) is { } form
            && !NodeConfigForm.TryApply(form, config, Limits.MaxItemsPerNode, PepNamespaces.NodeConfig, out config, out var invalid))
        {
            return PubSubErrors.Fail(invalid!);
        }

        using (await publisher.LockAsync(context.To, context.CancellationToken).ConfigureAwait(false))
        {
            if (await store.FindAsync(context.To, nodeName, context.CancellationToken).ConfigureAwait(false) is not null)
            {
                // XEP-0060 §8.1.3.
                return IqReply.Fail(StanzaErrorCondition.Conflict, "The node exists");
            }

            if (!await store.CreateAsync(context.To, nodeName, config, Limits.MaxNodes, context.CancellationToken).ConfigureAwait(false))
            {
                return IqReply.Fail(StanzaErrorCondition.PolicyViolation, $"An account has at most {Limits.MaxNodes} nodes");
            }
        }

        return IqReply.Empty;
    }

    /// <summary>XEP-0060 §6.5: all items, the newest max_items, or the ones named; oldest first.</summary>
    private async ValueTask<IqReply> ItemsAsync(IqContext context, Element request)
    {
        if (!TryNode(request, out var nodeName, out var refusal))
        {
            return refusal;
        }

        var node = await store.FindAsync(context.To, nodeName, context.CancellationToken).ConfigureAwait(false);
        if (node is null)
        {
            // XEP-0060 §6.5.9.11.
            return IqReply.Fail(StanzaErrorCondition.ItemNotFound);
        }

        if (!await MaySeeAsync(context, node.Config).ConfigureAwait(false))
        {
            return PubSubErrors.Fail(PepAccess.Refusal(node.Config));
        }

        int? max = null;
        if (request.GetAttribute("max_items") is { } maxText)
        {
            if (!int.TryParse(maxText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                return IqReply.Fail(StanzaErrorCondition.BadRequest, "max_items is a positive integer");
            }

            max = parsed;
        }

        var ids = request.Children("item", PepNamespaces.PubSub).Select(i => i.GetAttribute("id")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var found = await store.ItemsAsync(context.To, nodeName, ids.Count > 0 ? null : max, ids.Count > 0 ? ids : null, context.CancellationToken).ConfigureAwait(false);
        var result = new Element("pubsub", PepNamespaces.PubSub);
        var items = result.AddElement("items", PepNamespaces.PubSub).SetAttribute("node", nodeName);
        for (var i = found.Count - 1; i >= 0; i--)
        {
            items.Add(PepEvents.Item(found[i].Id, StoredXml.Read(found[i].Xml), PepNamespaces.PubSub));
        }

        return IqReply.Result(result);
    }

    /// <summary>Whether the asker may see a node of the account: the owner always, others as its access model decides (XEP-0060 §6.1.3).</summary>
    public async ValueTask<bool> MaySeeAsync(IqContext context, NodeConfig config) =>
        IsOwner(context) || context.From?.Kind == Sessions.OriginKind.Server
        || PepAccess.Allows(config, config.Access is AccessModel.Open or AccessModel.Whitelist ? null
            : await rosters.FindAsync(context.To, context.From!.Account, context.CancellationToken).ConfigureAwait(false));

    /// <summary>
    /// XEP-0163 §6.1 / XEP-0060 §5.2: the account's disco#items lists its nodes, to the owner all of
    /// them, to others those their access model lets them see.
    /// </summary>
    public async ValueTask ListNodesAsync(IqContext context, Element query)
    {
        var nodes = await store.NodesAsync(context.To, context.CancellationToken).ConfigureAwait(false);
        var owner = IsOwner(context);
        RosterItem? asker = null;
        if (!owner && context.From is { } from && nodes.Any(n => n.Config.Access is AccessModel.Presence or AccessModel.Roster))
        {
            asker = await rosters.FindAsync(context.To, from.Account, context.CancellationToken).ConfigureAwait(false);
        }

        foreach (var node in nodes)
        {
            if (owner || PepAccess.Allows(node.Config, asker))
            {
                query.AddElement("item", Namespaces.DiscoItems).SetAttribute("jid", context.To.ToString()).SetAttribute("node", node.Name);
            }
        }
    }

}
