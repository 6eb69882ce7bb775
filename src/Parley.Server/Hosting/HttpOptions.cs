namespace Parley.Server.Hosting;

/// <summary>
/// The HTTP server (keys Http:*): one Kestrel HTTP/1.1 and HTTP/2 endpoint in the server process for
/// XMPP over WebSocket (RFC 7395, /xmpp-websocket), BOSH (XEP-0206, /http-bind), connection discovery
/// (XEP-0156, /.well-known/host-meta) and HTTP File Upload (XEP-0363, /upload/). Off unless a port is set.
/// </summary>
public sealed class HttpOptions
{
    /// <summary>
    /// Plain HTTP port. 0 disables it (default). Bound to the loopback addresses only (for a
    /// TLS-terminating reverse proxy on the same machine) unless <see cref="AllowPlaintextRemote"/>.
    /// </summary>
    public int Port { get; set; }

    /// <summary>HTTPS port, with the XMPP certificates chosen by SNI (Tls:*). 0 disables it (default).</summary>
    public int TlsPort { get; set; }

    /// <summary>
    /// Bind the plain HTTP port on the Bind addresses (every address by default) rather than on loopback
    /// only, and treat it as secure: only behind a trusted TLS-terminating proxy. Default false.
    /// </summary>
    public bool AllowPlaintextRemote { get; set; }

    /// <summary>
    /// Browser origins (scheme://host[:port]) allowed to open a WebSocket or BOSH session and to upload.
    /// "*" allows any. Default empty: requests without an Origin header and same-origin requests only.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// The base URL clients reach this HTTP server at, as written into upload slots and host-meta
    /// (e.g. https://xmpp.example.com behind a reverse proxy). Default empty: https://&lt;domain&gt;:&lt;TlsPort&gt;,
    /// or http://&lt;domain&gt;:&lt;Port&gt; when only the plain port is on.
    /// </summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>Requests one IP address (IPv6 per /64) may make per second, sustained; past the burst it gets 429. Default 100.</summary>
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>Requests one IP address may make in a burst before <see cref="RequestsPerSecond"/> applies. Default 400.</summary>
    public int RequestBurst { get; set; } = 400;

    /// <summary>Largest request body outside uploads (BOSH), in bytes; larger gets 413. Default 0: Limits:MaxStanzaBytes plus 4096.</summary>
    public int MaxRequestBodyBytes { get; set; }

    /// <summary>BOSH (XEP-0124/0206) at /http-bind: session parameters and bounds (keys Http:Bosh:*).</summary>
    public BoshOptions Bosh { get; set; } = new();
}
