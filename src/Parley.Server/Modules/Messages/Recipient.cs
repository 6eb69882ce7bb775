namespace Parley.Server.Modules.Messages;

/// <summary>Where a message to a local JID lands, in the terms of RFC 6121 §8.5.</summary>
internal enum Recipient
{
    /// <summary>§8.5.1: no such account.</summary>
    UnknownAccount,

    /// <summary>§8.5.3.1: a full JID that names a connected resource (available or not, any priority).</summary>
    BoundResource,

    /// <summary>§8.5.2.1: a bare JID with at least one available resource of non-negative priority.</summary>
    BareAvailable,

    /// <summary>§8.5.2.2 (and §8.5.2.1.1 when every available resource has a negative priority).</summary>
    BareUnavailable,

    /// <summary>§8.5.3.2: a full JID naming no connected resource, while the account has a non-negative available resource.</summary>
    UnboundResourceAvailable,

    /// <summary>§8.5.3.2: a full JID naming no connected resource, and no non-negative available resource.</summary>
    UnboundResourceUnavailable,
}
