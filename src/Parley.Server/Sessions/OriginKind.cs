namespace Parley.Server.Sessions;

/// <summary>Where a stanza came from, as the server knows it (not as its 'from' claims).</summary>
internal enum OriginKind
{
    /// <summary>A client session bound here (<see cref="ClientSession"/>).</summary>
    LocalSession,

    /// <summary>Another domain's server, over an authenticated server-to-server stream.</summary>
    RemoteServer,

    /// <summary>A component serving one of the hosted component domains.</summary>
    Component,

    /// <summary>The server itself, or the server speaking for one of its accounts (presence it broadcasts, subscription answers).</summary>
    Server,
}
