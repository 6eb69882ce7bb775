namespace Parley.Server.Hosting;

/// <summary>
/// BOSH (XEP-0124, XMPP over BOSH XEP-0206) at /http-bind (keys Http:Bosh:*): what the server grants a
/// session (the client asks, the server caps) and how much one session and all of them may hold.
/// </summary>
public sealed class BoshOptions
{
    /// <summary>Longest a request is held before an empty answer ('wait', XEP-0124 §7); the client's value if lower. Default 60.</summary>
    public int MaxWaitSeconds { get; set; } = 60;

    /// <summary>Most requests held at once per session ('hold'); the client's value if lower. 'requests' is one more. Default 1.</summary>
    public int MaxHold { get; set; } = 1;

    /// <summary>Longest time with no request held before the session is ended ('inactivity', XEP-0124 §10). Default 60.</summary>
    public int InactivitySeconds { get; set; } = 60;

    /// <summary>Shortest interval between empty polls ('polling', XEP-0124 §11-12); faster is a policy violation. Default 2.</summary>
    public int PollingSeconds { get; set; } = 2;

    /// <summary>Longest pause a client may ask for ('maxpause', XEP-0124 §10). Default 120.</summary>
    public int MaxPauseSeconds { get; set; } = 120;

    /// <summary>BOSH sessions the server keeps at once; a creation request past it is refused. Default 10000.</summary>
    public int MaxSessions { get; set; } = 10000;

    /// <summary>
    /// Bytes waiting in one session for the client's next request; more is a policy violation (the
    /// client stopped collecting). Each of the last 'requests' responses is kept too, for retransmission. Default 262144.
    /// </summary>
    public int MaxPendingBytes { get; set; } = 256 * 1024;
}
