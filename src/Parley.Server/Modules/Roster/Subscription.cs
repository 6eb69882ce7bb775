namespace Parley.Server.Modules.Roster;

/// <summary>The 'subscription' attribute of a roster item (RFC 6121 §2.1.2.5).</summary>
internal enum Subscription
{
    None,

    /// <summary>The account receives the contact's presence.</summary>
    To,

    /// <summary>The contact receives the account's presence.</summary>
    From,

    Both,
}
