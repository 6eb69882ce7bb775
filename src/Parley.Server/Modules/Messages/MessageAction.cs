namespace Parley.Server.Modules.Messages;

/// <summary>What the server does with a message to a local JID (RFC 6121 §8.5).</summary>
internal enum MessageAction
{
    /// <summary>Silently ignored.</summary>
    Drop,

    /// <summary>Answered with a &lt;service-unavailable/&gt; stanza error.</summary>
    Bounce,

    /// <summary>Delivered to the addressed full JID.</summary>
    DeliverToResource,

    /// <summary>Delivered to every available resource sharing the highest non-negative priority.</summary>
    DeliverToHighestPriority,

    /// <summary>Delivered to every available resource of non-negative priority.</summary>
    DeliverToAllNonNegative,

    /// <summary>Passed down the chain to offline storage (XEP-0160); service-unavailable when nothing stores it.</summary>
    StoreOffline,
}
