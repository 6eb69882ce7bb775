using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Roster;

/// <summary>One contact in an account's roster (RFC 6121 §2.1.2): its name, groups and subscription state.</summary>
internal sealed record RosterItem(Jid Contact, string? Name, IReadOnlyList<string> Groups, SubscriptionState State)
{
    /// <summary>A contact the account has only a subscription relation with so far (no name, no groups).</summary>
    public static RosterItem Bare(Jid contact, SubscriptionState state) => new(contact, null, [], state);
}
