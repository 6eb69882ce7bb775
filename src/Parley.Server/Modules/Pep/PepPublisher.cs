using Microsoft.Extensions.Options;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// The writes to an account's nodes that notify as they land (XEP-0060 §7.1, §7.2): the owner's own
/// publish and retract requests (<see cref="PepRequests"/>) and those the server makes on the owner's
/// behalf (XEP-0398 avatar conversion, XEP-0402 bookmark compatibility). Each change takes the
/// account's lock, so a publish-options precondition is checked against the configuration it lands on.
/// </summary>
internal sealed class PepPublisher(IPepStore store, PepNotifier notifier, AccountLocks locks, IOptions<ParleyOptions> options)
{
    private PepOptions Limits => options.Value.Pep;

    /// <summary>How many items a node keeps ("max" is the service's limit).</summary>
    public int Keep(NodeConfig config) => config.MaxItems ?? Limits.MaxItemsPerNode;

    /// <summary>
    /// Publishes one item, creating the node (XEP-0163 §3) configured as <paramref name="createAs"/>
    /// with the <paramref name="publishOptions"/> form applied. Null when published; else the error.
    /// Without a form, an existing node takes the item whatever its configuration (the server's writes).
    /// </summary>
    public async ValueTask<StanzaError?> PublishAsync(Jid account, string nodeName, string id, Element payload, Element? publishOptions, NodeConfig createAs, CancellationToken cancellationToken)
    {
        var xml = StoredXml.Write(payload);
        if (StoredXml.Size(xml) > Limits.MaxItemBytes)
        {
            return PubSubErrors.Of(StanzaErrorCondition.NotAcceptable, "payload-too-big", $"Items are limited to {Limits.MaxItemBytes} bytes");
        }

        PepNode node;
        using (await locks.LockAsync(account, cancellationToken).ConfigureAwait(false))
        {
            var existing = await store.FindAsync(account, nodeName, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                // XEP-0060 §7.1.4: auto-create, configured by the publish-options.
                var config = createAs;
                if (publishOptions is not null && !NodeConfigForm.TryApply(publishOptions, config, Limits.MaxItemsPerNode, PepNamespaces.PublishOptions, out config, out var invalid))
                {
                    return PreconditionNotMet(invalid!.Text);
                }

                if (!await store.CreateAsync(account, nodeName, config, Limits.MaxNodes, cancellationToken).ConfigureAwait(false))
                {
                    return StanzaError.Of(StanzaErrorCondition.PolicyViolation, $"An account has at most {Limits.MaxNodes} nodes");
                }

                existing = new PepNode(nodeName, config);
            }
            else if (publishOptions is not null
                && (!NodeConfigForm.TryApply(publishOptions, existing.Config, Limits.MaxItemsPerNode, PepNamespaces.PublishOptions, out var wanted, out var invalid) || wanted != existing.Config))
            {
                // XEP-0060 §7.1.5: the node's configuration is not what the publisher requires.
                return PreconditionNotMet(invalid?.Text ?? "The node's configuration differs from the publish-options");
            }

            node = existing;
            if (node.Config.PersistItems)
            {
                await store.PublishAsync(account, nodeName, new PepItem(id, xml, account.ToString()), Keep(node.Config), cancellationToken).ConfigureAwait(false);
            }
        }

        await notifier.NotifyAsync(account, node, PepEvents.Published(nodeName, id, payload), cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Retracts one item (XEP-0060 §7.2); null when there is no such node or item. <paramref name="notify"/>
    /// asks for the notification (§7.2.2.1); without it the node's notify_retract decides.
    /// </summary>
    public async ValueTask<PepNode?> RetractAsync(Jid account, string nodeName, string id, bool? notify, CancellationToken cancellationToken)
    {
        PepNode? node;
        using (await locks.LockAsync(account, cancellationToken).ConfigureAwait(false))
        {
            node = await store.FindAsync(account, nodeName, cancellationToken).ConfigureAwait(false);
            if (node is null || !await store.RetractAsync(account, nodeName, id, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        if (notify ?? node.Config.NotifyRetract)
        {
            await notifier.NotifyAsync(account, node, PepEvents.Retracted(nodeName, id), cancellationToken).ConfigureAwait(false);
        }

        return node;
    }

    /// <summary>The owner's lock, for the other owner requests (<see cref="PepOwnerRequests"/>).</summary>
    public ValueTask<AccountLocks.Held> LockAsync(Jid account, CancellationToken cancellationToken) => locks.LockAsync(account, cancellationToken);

    /// <summary>XEP-0060 §7.1.5: conflict with &lt;precondition-not-met/&gt;.</summary>
    private static StanzaError PreconditionNotMet(string? text) =>
        PubSubErrors.Of(StanzaErrorCondition.Conflict, "precondition-not-met", text);
}
