namespace Parley.Server.Sessions;

/// <summary>What became of moving a session to a new transport (<see cref="ClientSession.Attach(ISessionEndpoint, Parley.Xmpp.Xml.Element?, uint?)"/>).</summary>
internal enum ResumeOutcome
{
    /// <summary>The session now writes to the new transport.</summary>
    Resumed,

    /// <summary>It could not be moved: its time ran out (it is ending), or it is attached and no takeover was asked.</summary>
    Gone,

    /// <summary>The client acknowledged more stanzas than it was sent (XEP-0198 §4); nothing moved.</summary>
    HandledCountTooHigh,
}
