namespace Parley.Server.Sessions;

/// <summary>What follows a stanza recorded in <see cref="UnackedStanzas"/>.</summary>
internal enum UnackedVerdict
{
    /// <summary>Nothing more.</summary>
    Sent,

    /// <summary>Enough stanzas went unrequested: ask the client for an acknowledgement now.</summary>
    RequestAck,

    /// <summary>More are unacknowledged than the bound allows: the stream ends (XEP-0198 §4, resource-constraint).</summary>
    Overflow,
}
