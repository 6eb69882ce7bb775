using Parley.Server.Federation;

namespace Parley.Server.Hosting;

/// <summary>
/// Server-to-server federation (keys S2s:*): the listener, where remote domains are reached, how
/// their certificates are judged, and the bounds of each remote stream. Every key and its default
/// is listed in docs/configuration.md.
/// </summary>
public sealed class S2sOptions
{
    /// <summary>Server port with STARTTLS (RFC 6120 §14.7, `jabber:server`). 0 disables federation's listener; 0 to 65535, not a c2s port. Default 5269.</summary>
    public int Port { get; set; } = 5269;

    /// <summary>
    /// Static routes (S2s:Routes:&lt;domain&gt; = "host:port", IPv6 as "[::1]:5269"): a remote domain
    /// listed here is reached at that address without any DNS lookup, for tests and private
    /// deployments. Keys are domains (prepared per RFC 7622 §3.2 when used). Default empty.
    /// </summary>
    public Dictionary<string, string> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// What a remote server's certificate must be (RFC 7590, RFC 6125): "require" (valid for its
    /// domain, else the stream is refused), "dialback" (valid: SASL EXTERNAL; otherwise Server
    /// Dialback, XEP-0220) or "off" (certificates are not checked; dialback only). Default "dialback".
    /// </summary>
    public string CertificatePolicy { get; set; } = "dialback";

    /// <summary>Per remote domain overrides of <see cref="CertificatePolicy"/> (S2s:DomainPolicies:&lt;domain&gt; = policy). Default empty.</summary>
    public Dictionary<string, string> DomainPolicies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A PEM file of CA certificates trusted for remote servers' certificates in addition to the
    /// system store (a private CA, or a test CA). Must exist when set. Default empty: the system store only.
    /// </summary>
    public string CaCertificatesPath { get; set; } = "";

    /// <summary>Seconds to open the TCP connection to one address of a remote server before trying the next; also the limit of one DNS query for its SRV records. Default 10.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>Seconds a server-to-server stream may carry no stanza before it is closed (and reopened when next needed). Default 600.</summary>
    public int IdleTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// Stanzas queued for one remote domain while its stream is being set up or is busy; one more is
    /// bounced to its sender with an error instead of growing the queue. Default 1000.
    /// </summary>
    public int MaxQueuedStanzas { get; set; } = 1000;

    /// <summary>
    /// Seconds a Server Dialback verification may go unanswered (XEP-0220 §2.1.3, §2.3.2): our
    /// db:result on an outbound stream (then its queued stanzas bounce with remote-server-timeout),
    /// or a db:verify asked for a peer's inbound key (then the peer hears a dialback error). Default 30.
    /// </summary>
    public int DialbackTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Outbound server-to-server connections open at once, counted apart from the listeners'
    /// Limits:MaxConnections so that remote peers can never crowd out clients. A stanza for a new
    /// remote domain beyond it bounces with resource-constraint. Default 500.
    /// </summary>
    public int MaxOutboundConnections { get; set; } = 500;

    /// <summary>Outbound connections open at once to one remote address (IPv6 per /64). Default 50.</summary>
    public int MaxOutboundConnectionsPerAddress { get; set; } = 50;

    /// <summary>
    /// Dialback verifications (XEP-0220 §2.1.2 db:result requests) one inbound stream may have
    /// waiting at once; one more is answered with a resource-constraint dialback error. Default 20.
    /// </summary>
    public int MaxPendingVerificationsPerStream { get; set; } = 20;

    /// <summary>
    /// Whether outbound streams may reach loopback, private, link-local and other non-public
    /// addresses (RFC 1918, RFC 4193, RFC 6890) found through DNS. Off by default, so that no remote
    /// peer can make this server dial into its own network; S2s:Routes are always allowed. Default false.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Whether a remote domain may be an IP literal (RFC 7622 §3.2), reached at that address. Default false.</summary>
    public bool AllowIpLiteralDomains { get; set; }

    /// <summary>Reads a policy as configured ("require", "dialback", "off", any case); false for anything else, numbers included.</summary>
    internal static bool TryParsePolicy(string? value, out S2sCertificatePolicy policy)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "require":
                policy = S2sCertificatePolicy.Require;
                return true;
            case "dialback":
                policy = S2sCertificatePolicy.Dialback;
                return true;
            case "off":
                policy = S2sCertificatePolicy.Off;
                return true;
            default:
                policy = default;
                return false;
        }
    }
}
