namespace Parley.Server.Modules.Roster;

/// <summary>
/// One account's subscription state toward one contact, as the nine states of RFC 6121
/// Appendix A (subscription plus pending-out "ask" and pending-in), with the pre-approval flag of
/// §3.4. Transitions are pure: <see cref="Outbound"/> for stanzas the account sends (Appendix A.2),
/// <see cref="Inbound"/> for stanzas it receives (Appendix A.3).
/// </summary>
internal readonly record struct SubscriptionState(Subscription Subscription, bool PendingOut = false, bool PendingIn = false, bool Approved = false)
{
    public static SubscriptionState None => default;

    /// <summary>The account receives the contact's presence.</summary>
    public bool HasTo => Subscription is Subscription.To or Subscription.Both;

    /// <summary>The contact receives the account's presence.</summary>
    public bool HasFrom => Subscription is Subscription.From or Subscription.Both;

    private static Subscription Of(bool to, bool from) => (to, from) switch
    {
        (true, true) => Subscription.Both,
        (true, false) => Subscription.To,
        (false, true) => Subscription.From,
        _ => Subscription.None,
    };

    /// <summary>RFC 6121 Appendix A.2: the account sends a subscription stanza to the contact.</summary>
    public SubscriptionOutcome Outbound(SubscriptionStanza stanza) => stanza switch
    {
        // A.2.1: a request is pending unless the subscription already exists; always routed (§3.1.2).
        SubscriptionStanza.Subscribe => new(this with { PendingOut = !HasTo }, Forward: true),

        // A.2.2: cancels "to" and any pending request.
        SubscriptionStanza.Unsubscribe => new(this with { Subscription = Of(false, HasFrom), PendingOut = false }, Forward: true),

        // A.2.3: approves a pending request; with none pending it is a pre-approval (§3.4.1), kept
        // on the item and never routed. Once "from" exists it is a no-op, routed so a contact that
        // lost track re-syncs.
        SubscriptionStanza.Subscribed when PendingIn => new(this with { Subscription = Of(HasTo, true), PendingIn = false, Approved = false }, Forward: true),
        SubscriptionStanza.Subscribed when HasFrom => new(this, Forward: true),
        SubscriptionStanza.Subscribed => new(this with { Approved = true }, Forward: false),

        // A.2.4: cancels "from", denies a pending request and withdraws a pre-approval.
        _ => new(this with { Subscription = Of(HasTo, false), PendingIn = false, Approved = false }, Forward: true),
    };

    /// <summary>RFC 6121 Appendix A.3: the account receives a subscription stanza from the contact.</summary>
    public SubscriptionOutcome Inbound(SubscriptionStanza stanza) => stanza switch
    {
        // A.3.1 rows marked *: already subscribed, the server answers for the account (§3.1.3).
        SubscriptionStanza.Subscribe when HasFrom => new(this, Forward: false, AutoReplySubscribed: true),

        // §3.4.2: a pre-approved request is approved by the server and never shown to the account.
        SubscriptionStanza.Subscribe when Approved => new(this with { Subscription = Of(HasTo, true), Approved = false }, Forward: false, AutoReplySubscribed: true),

        // A.3.1: a new request is delivered and kept pending; a repeated one is not delivered again.
        SubscriptionStanza.Subscribe => new(this with { PendingIn = true }, Forward: !PendingIn),

        // A.3.2: the contact cancels its subscription to the account ("from") or its pending request.
        SubscriptionStanza.Unsubscribe => new(this with { Subscription = Of(HasTo, false), PendingIn = false }, Forward: PendingIn || HasFrom),

        // A.3.3: only an answer to our pending request counts.
        SubscriptionStanza.Subscribed when PendingOut => new(this with { Subscription = Of(true, HasFrom), PendingOut = false }, Forward: true),
        SubscriptionStanza.Subscribed => new(this, Forward: false),

        // A.3.4: the contact cancels or denies "to".
        _ => new(this with { Subscription = Of(false, HasFrom), PendingOut = false }, Forward: PendingOut || HasTo),
    };
}
