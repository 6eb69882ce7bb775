namespace Parley.Server.Modules.Roster;

/// <summary>What one subscription stanza does to one side's state.</summary>
/// <param name="State">The state after the stanza.</param>
/// <param name="Forward">
/// Outbound: route the stanza to the contact. Inbound: deliver it to the account's available resources.
/// </param>
/// <param name="AutoReplySubscribed">Inbound subscribe only: answer "subscribed" for the account (RFC 6121 §3.1.3, §3.4).</param>
/// <param name="Refused">Inbound subscribe only: the account holds all the pending requests it may (<see cref="PendingRequestQuota"/>); nothing changed.</param>
internal readonly record struct SubscriptionOutcome(SubscriptionState State, bool Forward, bool AutoReplySubscribed = false, bool Refused = false);
