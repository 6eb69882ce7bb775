namespace Parley.Server.Sessions;

/// <summary>How a session's transport ended: what a module deciding to keep the session looks at.</summary>
internal enum TransportEnd
{
    /// <summary>The client closed its stream (RFC 6120 §4.4): it meant to leave.</summary>
    Closed,

    /// <summary>The stream ended with a stream error (either side, RFC 6120 §4.9), or the server closed it.</summary>
    StreamError,

    /// <summary>
    /// The server ended a silent stream (RFC 6120 §4.9.3.4 connection-timeout): most often a network
    /// that went away without a word (half-open TCP), which stream management resumes like a loss.
    /// </summary>
    TimedOut,

    /// <summary>The connection was lost without a close (reset, timeout, broken TLS): the case stream management resumes.</summary>
    Lost,
}
