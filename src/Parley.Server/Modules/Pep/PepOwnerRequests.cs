using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Events;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// The owner use cases of XEP-0060 on an account's PEP service: configure (§8.2), delete (§8.4) and
/// purge (§8.5). Only the account itself may (forbidden otherwise, §8.2.3.3); a node that does not
/// exist is item-not-found.
/// </summary>
internal sealed class PepOwnerRequests(IPepStore store, PepPublisher publisher, PepNotifier notifier, EventBus events, IOptions<ParleyOptions> options)
{
    public async ValueTask<IqReply> GetAsync(IqContext context)
    {
        var action = context.Payload.FirstElement;
        if (action is not { Name: "configure", Namespace: PepNamespaces.Owner })
        {
            return action?.Name == "default"
                ? PubSubErrors.Fail(PubSubErrors.Unsupported("retrieve-default"))
                : IqReply.Fail(StanzaErrorCondition.BadRequest);
        }

        if (!PepRequests.IsOwner(context))
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (!PepRequests.TryNode(action, out var nodeName, out var refusal))
        {
            return refusal;
        }

        if (await store.FindAsync(context.To, nodeName, context.CancellationToken).ConfigureAwait(false) is not { } node)
        {
            return IqReply.Fail(StanzaErrorCondition.ItemNotFound);
        }

        var result = new Element("pubsub", PepNamespaces.Owner);
        result.AddElement("configure", PepNamespaces.Owner).SetAttribute("node", nodeName).Add(NodeConfigForm.Render(node.Config));
        return IqReply.Result(result);
    }

    public async ValueTask<IqReply> SetAsync(IqContext context)
    {
        var action = context.Payload.FirstElement;
        if (action?.Namespace != PepNamespaces.Owner || action.Name is not ("configure" or "delete" or "purge"))
        {
            return action?.Name is "subscriptions" or "affiliations"
                ? PubSubErrors.Fail(PubSubErrors.Unsupported("modify-" + action.Name))
                : IqReply.Fail(StanzaErrorCondition.BadRequest);
        }

        if (!PepRequests.IsOwner(context))
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (!PepRequests.TryNode(action, out var nodeName, out var refusal))
        {
            return refusal;
        }

        PepNode node;
        using (await publisher.LockAsync(context.To, context.CancellationToken).ConfigureAwait(false))
        {
            if (await store.FindAsync(context.To, nodeName, context.CancellationToken).ConfigureAwait(false) is not { } found)
            {
                return IqReply.Fail(StanzaErrorCondition.ItemNotFound);
            }

            node = found;
            switch (action.Name)
            {
                case "configure":
                    var form = action.Child("x", Namespaces.DataForms);
                    if (form is null)
                    {
                        return IqReply.Fail(StanzaErrorCondition.BadRequest, "Submit a data form");
                    }

                    if (form.GetAttribute("type") == "cancel")
                    {
                        // XEP-0060 §8.2.4: the owner cancelled; nothing changes.
                        return IqReply.Empty;
                    }

                    if (!NodeConfigForm.TryApply(form, node.Config, options.Value.Pep.MaxItemsPerNode, PepNamespaces.NodeConfig, out var config, out var invalid))
                    {
                        return PubSubErrors.Fail(invalid!);
                    }

                    await store.ConfigureAsync(context.To, nodeName, config, publisher.Keep(config), context.CancellationToken).ConfigureAwait(false);
                    return IqReply.Empty;
                case "delete":
                    await store.DeleteAsync(context.To, nodeName, context.CancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await store.PurgeAsync(context.To, nodeName, context.CancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        // XEP-0060 §8.4.2 / §8.5.2: those interested hear that the node was deleted or purged.
        await notifier.NotifyAsync(context.To, node, PepEvents.Of(action.Name, nodeName), context.CancellationToken).ConfigureAwait(false);
        await events.PublishAsync(new PepNodeChanged(context.To, nodeName, null)).ConfigureAwait(false);
        return IqReply.Empty;
    }
}
