using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.VCard;

/// <summary>Each account's vCard (XEP-0054) as serialized XML, keyed by prepared bare JID.</summary>
internal interface IVCardStore
{
    /// <summary>The stored vCard, or null when the account has none.</summary>
    Task<string?> GetAsync(Jid account, CancellationToken cancellationToken);

    /// <summary>Replaces the vCard, committed before it returns; null removes it.</summary>
    Task SetAsync(Jid account, string? xml, CancellationToken cancellationToken);
}
