using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Events;

/// <summary>
/// An account removed JIDs from its blocklist (XEP-0191 §3.4, §3.5): the moment presence that
/// blocking withheld flows again.
/// </summary>
/// <param name="Account">The account's bare JID.</param>
/// <param name="Items">The JIDs no longer blocked (every one that was, for an unblock-all).</param>
internal sealed record Unblocked(Jid Account, IReadOnlyList<Jid> Items);
