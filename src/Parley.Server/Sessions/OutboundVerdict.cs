namespace Parley.Server.Sessions;

/// <summary>What an <see cref="OutboundFilter"/> decided for one stanza.</summary>
internal enum OutboundVerdict
{
    /// <summary>On to the next filter, then the transport.</summary>
    Pass,

    /// <summary>The filter took the stanza (held it or dropped it on purpose): the sender counts it as delivered.</summary>
    Taken,
}
