using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.PrivateStorage;

/// <summary>Each account's private XML (XEP-0049): one serialized element per qualified name.</summary>
internal interface IPrivateXmlStore
{
    /// <summary>The stored element, or null when there is none of that name and namespace.</summary>
    Task<string?> GetAsync(Jid account, string name, string ns, CancellationToken cancellationToken);

    /// <summary>
    /// Stores or removes every item at once, committed before it returns, unless the account's
    /// elements would then add up to more than <paramref name="maxTotalBytes"/> (UTF-8 bytes): then
    /// nothing changes and the result is false.
    /// </summary>
    Task<bool> SetAsync(Jid account, IReadOnlyList<PrivateXmlItem> items, long maxTotalBytes, CancellationToken cancellationToken);
}
