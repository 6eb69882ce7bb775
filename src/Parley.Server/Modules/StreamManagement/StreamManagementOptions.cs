namespace Parley.Server.Modules.StreamManagement;

/// <summary>XEP-0198 stream management for client streams (keys Modules:Sm:*); listed in docs/configuration.md.</summary>
public sealed class StreamManagementOptions : ModuleOptions
{
    /// <summary>
    /// Seconds a session whose connection was lost stays resumable (XEP-0198 §5), advertised as 'max';
    /// a client may ask for less. Its contacts still see it available meanwhile. 0 turns resumption off
    /// (acknowledgements only). Default 300.
    /// </summary>
    public int ResumptionSeconds { get; set; } = 300;

    /// <summary>
    /// Stanzas sent to a client that may wait unacknowledged; one more ends the stream with
    /// resource-constraint and the unacknowledged messages go to offline storage. Default 1000.
    /// </summary>
    public int MaxUnacked { get; set; } = 1000;

    /// <summary>The server asks for an acknowledgement (&lt;r/&gt;) after this many stanzas sent unrequested. Default 10.</summary>
    public int RequestAfterStanzas { get; set; } = 10;

    /// <summary>...or once a sent stanza has waited this many seconds unrequested. Default 30.</summary>
    public int RequestAfterSeconds { get; set; } = 30;
}
