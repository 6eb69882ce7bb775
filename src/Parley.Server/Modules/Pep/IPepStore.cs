using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// Each account's PEP nodes (XEP-0163) and their items, keyed by the account's bare JID. Every
/// change is durable when the returned task completes; items come back newest first.
/// </summary>
internal interface IPepStore
{
    Task<IReadOnlyList<PepNode>> NodesAsync(Jid account, CancellationToken cancellationToken);

    /// <summary>The node, or null when the account has none of that name.</summary>
    Task<PepNode?> FindAsync(Jid account, string node, CancellationToken cancellationToken);

    /// <summary>Creates the node unless the account already has <paramref name="maxNodes"/> nodes (then false).</summary>
    Task<bool> CreateAsync(Jid account, string node, NodeConfig config, int maxNodes, CancellationToken cancellationToken);

    /// <summary>Replaces the node's configuration and keeps its newest <paramref name="keep"/> items.</summary>
    Task ConfigureAsync(Jid account, string node, NodeConfig config, int keep, CancellationToken cancellationToken);

    /// <summary>Deletes the node and its items; false when there was no such node.</summary>
    Task<bool> DeleteAsync(Jid account, string node, CancellationToken cancellationToken);

    /// <summary>Adds the item, or replaces the one with its id (which becomes the newest), then keeps the newest <paramref name="keep"/> items.</summary>
    Task PublishAsync(Jid account, string node, PepItem item, int keep, CancellationToken cancellationToken);

    /// <summary>The node's items newest first: those with the given ids, or the newest <paramref name="max"/> (all when null).</summary>
    Task<IReadOnlyList<PepItem>> ItemsAsync(Jid account, string node, int? max, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken);

    /// <summary>Removes one item; false when the node has no item of that id.</summary>
    Task<bool> RetractAsync(Jid account, string node, string id, CancellationToken cancellationToken);

    /// <summary>Removes every item of the node.</summary>
    Task PurgeAsync(Jid account, string node, CancellationToken cancellationToken);
}
