namespace Parley.Server.Modules.Roster;

/// <summary>The four presence types that change subscription state (RFC 6121 §3).</summary>
internal enum SubscriptionStanza
{
    Subscribe,
    Subscribed,
    Unsubscribe,
    Unsubscribed,
}
