namespace Parley.Server.Hosting;

/// <summary>
/// The whole server configuration, bound from the configuration root (JSON file, PARLEY_*
/// environment variables, command line). Every key and its default is listed in
/// docs/configuration.md; keep the two in step.
/// </summary>
public sealed class ParleyOptions
{
    /// <summary>
    /// The domains this server hosts (virtual hosts), keys Domains:0, Domains:1... Default: ["localhost"].
    /// Held in prepared form (RFC 7622 §3.2: lowercase, IDNA U-labels, no trailing dot); each must be
    /// valid and listed once.
    /// </summary>
    public List<string> Domains { get; set; } = [];

    /// <summary>
    /// Folder for the database (parley.db), the generated certificate (certificate.pfx) and other
    /// state; created with mode 0700 on Unix, its files 0600. Default "data", relative to the working
    /// directory and made absolute at start.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>IP addresses to listen on (Bind:0, Bind:1...); each must be an IPv4 or IPv6 literal. Default empty: every IPv4 and IPv6 address.</summary>
    public List<string> Bind { get; set; } = [];

    /// <summary>Client port with STARTTLS (RFC 6120). 0 disables it; 0 to 65535, not equal to C2sTlsPort. Default 5222.</summary>
    public int C2sPort { get; set; } = 5222;

    /// <summary>Client port with direct TLS (XEP-0368). 0 disables it. Default 5223.</summary>
    public int C2sTlsPort { get; set; } = 5223;

    /// <summary>Permit authentication on unencrypted streams (loopback benchmarks and tests only). Default false.</summary>
    public bool AllowPlaintextAuth { get; set; }

    /// <summary>The server certificate (keys Tls:*).</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>The database (keys Storage:*).</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Server-to-server federation (keys S2s:*); stanza size and depth limits come from <see cref="Limits"/>.</summary>
    public S2sOptions S2s { get; set; } = new();

    /// <summary>External components (keys Components:*, XEP-0114).</summary>
    public ComponentOptions Components { get; set; } = new();

    /// <summary>Multi-User Chat (XEP-0045) on conference.&lt;domain&gt;.</summary>
    public MucOptions Muc { get; set; } = new();

    /// <summary>Resource limits (keys Limits:*); each must be greater than 0.</summary>
    public LimitOptions Limits { get; set; } = new();

    /// <summary>In-band registration (XEP-0077). Default false.</summary>
    public bool AllowRegistration { get; set; }

    /// <summary>Answer software version queries (XEP-0092). Default true.</summary>
    public bool AdvertiseVersion { get; set; } = true;

    /// <summary>
    /// The console log: "text" (one line per message, ISO 8601 UTC timestamp) or "json" (one JSON
    /// object per line, for log shippers). Default "text".
    /// </summary>
    public string LogFormat { get; set; } = ConsoleLogging.Text;

    /// <summary>Message archive (keys Archive:*).</summary>
    public ArchiveOptions Archive { get; set; } = new();

    /// <summary>Message carbons (keys Carbons:*).</summary>
    public CarbonsOptions Carbons { get; set; } = new();

    /// <summary>The HTTP server: WebSocket, BOSH, discovery, uploads (keys Http:*). Off by default.</summary>
    public HttpOptions Http { get; set; } = new();

    /// <summary>Personal eventing and entity capabilities (keys Pep:*).</summary>
    public PepOptions Pep { get; set; } = new();
}

public sealed class TlsOptions
{
    /// <summary>
    /// A PKCS#12 (.pfx/.p12) or PEM certificate file, told apart by content; it must exist and come
    /// with its private key. Default empty: a self-signed certificate (ECDSA P-256, 10 years, every
    /// domain as a DNS subjectAltName) generated as &lt;DataDirectory&gt;/certificate.pfx on first
    /// start and reused until it is a day from expiry or a configured domain is missing from it.
    /// </summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>The PEM private key when CertificatePath is a PEM certificate. Default empty: the key is read from the certificate file itself.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>Password of a PKCS#12 file, or of an encrypted PEM key. Default empty (none). Never logged.</summary>
    public string CertificatePassword { get; set; } = "";

    /// <summary>
    /// Certificates of single hosted domains (Tls:Domains:&lt;domain&gt;:CertificatePath...), chosen by
    /// SNI or the stream's `to` (c2s and s2s alike); other domains get the certificate above. Each key
    /// must be a hosted domain. Default empty.
    /// </summary>
    public Dictionary<string, DomainCertificateOptions> Domains { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class StorageOptions
{
    /// <summary>"sqlite" (default: one file in DataDirectory, nothing to set up) or "postgresql".</summary>
    public string Provider { get; set; } = Parley.Server.Storage.SqliteProvider.ProviderName;

    /// <summary>
    /// For SQLite a Microsoft.Data.Sqlite connection string; default empty: &lt;DataDirectory&gt;/parley.db.
    /// Parley sets WAL journal mode and the busy timeout below either way, so `parley user` can run
    /// beside the server. For PostgreSQL an Npgsql connection string (required), e.g.
    /// "Host=db;Database=parley;Username=parley;Password=..."; its pool settings (Maximum Pool Size,
    /// default 100; Timeout, default 15 s; Command Timeout, default 30 s) bound each call.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// SQLite only: how long a database call waits for a lock another process holds before it fails
    /// (default 10 s). A failed call becomes an internal-server-error stanza error and a log line;
    /// the server keeps serving.
    /// </summary>
    public int BusyTimeoutSeconds { get; set; } = Storage.SqliteProvider.DefaultBusyTimeoutSeconds;
}

public sealed class LimitOptions
{
    /// <summary>Largest stanza in bytes; larger is a policy-violation stream error. Default 262144 (256 KiB).</summary>
    public int MaxStanzaBytes { get; set; } = 256 * 1024;

    /// <summary>Deepest element nesting in a stanza. Default 32.</summary>
    public int MaxDepth { get; set; } = 32;

    /// <summary>Seconds a client has from connecting to binding a resource. Default 30.</summary>
    public int NegotiationTimeoutSeconds { get; set; } = 30;

    /// <summary>Stanzas queued for one connection's writer before it is dropped as too slow. Default 1024.</summary>
    public int OutboundQueueLength { get; set; } = 1024;

    /// <summary>Resources one account may bind at once. Default 16.</summary>
    public int MaxResourcesPerAccount { get; set; } = 16;

    /// <summary>
    /// Messages stored for one account while it has no available resource (XEP-0160); one more is
    /// answered with service-unavailable (RFC 6121 §8.5.2.2.1). Default 500.
    /// </summary>
    public int MaxOfflineMessages { get; set; } = 500;

    /// <summary>
    /// Bytes of stored XML (UTF-8) the offline queue of one account may hold; a message that would
    /// take it past is answered like one past MaxOfflineMessages. Default 10485760 (10 MiB).
    /// </summary>
    public long MaxOfflineBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>JIDs one account may block (XEP-0191); a block past it gets policy-violation. Default 1000.</summary>
    public int MaxBlocklistItems { get; set; } = 1000;

    /// <summary>Largest stored vCard (XEP-0054) in bytes of serialized XML; larger gets policy-violation. Default 65536 (64 KiB).</summary>
    public int MaxVCardBytes { get; set; } = 64 * 1024;

    /// <summary>Private XML (XEP-0049) one account may store, in bytes of serialized XML summed over its elements; more gets policy-violation. Default 65536 (64 KiB).</summary>
    public int MaxPrivateXmlBytes { get; set; } = 64 * 1024;

    /// <summary>Items one roster may hold; adding more gets not-allowed (RFC 6121 §2.3.3 leaves it to policy). Default 1000.</summary>
    public int MaxRosterItems { get; set; } = 1000;

    /// <summary>
    /// Inbound subscription requests one account keeps pending (RFC 6121 §3.1.3); one more is refused
    /// with a policy-violation presence error, those pending stay. Default 100.
    /// </summary>
    public int MaxPendingSubscriptions { get; set; } = 100;

    /// <summary>Of those, requests pending from any one remote domain; one more is refused the same way. Default 10.</summary>
    public int MaxPendingSubscriptionsPerDomain { get; set; } = 10;

    /// <summary>
    /// UTF-8 bytes of a pending subscription request's stanza kept and redelivered at login (RFC 6121
    /// §3.1.3: the whole stanza, extensions included); a larger one is kept as its status text alone. Default 8192.
    /// </summary>
    public int MaxSubscriptionRequestBytes { get; set; } = 8192;

    /// <summary>UTF-8 bytes of the status text kept of a request larger than MaxSubscriptionRequestBytes; the rest is cut. Default 1024.</summary>
    public int MaxSubscriptionStatusBytes { get; set; } = 1024;

    // Hardening (issue #5): what one peer may cost the server. docs/security.md lists each with its test.

    /// <summary>Seconds of silence from a bound client before the server sends it a XEP-0199 ping. Default 60.</summary>
    public int IdleProbeSeconds { get; set; } = 60;

    /// <summary>
    /// Seconds of silence from a bound client, counted from its last byte, after which the stream is
    /// closed with connection-timeout (RFC 6120 §4.9.3.4); greater than IdleProbeSeconds. Default 300.
    /// </summary>
    public int IdleTimeoutSeconds { get; set; } = 300;

    /// <summary>Connections open at once, over every listener; one more is refused with policy-violation. Default 10000.</summary>
    public int MaxConnections { get; set; } = 10000;

    /// <summary>Connections open at once from one IP address; one more is refused with policy-violation. Default 100.</summary>
    public int MaxConnectionsPerIp { get; set; } = 100;

    /// <summary>Sustained bytes per second read from one connection (token bucket); beyond it reading pauses. Default 65536.</summary>
    public int ReadBytesPerSecond { get; set; } = 64 * 1024;

    /// <summary>Bytes one connection may send at once before ReadBytesPerSecond applies (the bucket's size). Default 131072.</summary>
    public int ReadBurstBytes { get; set; } = 128 * 1024;

    /// <summary>Failed authentications from one IP address or for one account answered at once; later ones wait. Default 3.</summary>
    public int AuthFailuresBeforeDelay { get; set; } = 3;

    /// <summary>
    /// Longest wait before a failed authentication is answered (the backoff doubles from 1 s up to it),
    /// and never more than half of NegotiationTimeoutSeconds, so a held login still has time to bind. Default 15.
    /// </summary>
    public int AuthMaxDelaySeconds { get; set; } = 15;

    /// <summary>Seconds without a failure after which an IP address or account starts again from no failures. Default 900.</summary>
    public int AuthFailureWindowSeconds { get; set; } = 900;

    /// <summary>IP addresses and accounts the authentication throttle remembers, each; the oldest are forgotten first. Default 10000.</summary>
    public int AuthThrottleEntries { get; set; } = 10000;

    /// <summary>
    /// Failed authentication attempts on one stream; the last one's failure is followed by the stream
    /// error policy-violation (RFC 6120 §6.4.5: 2 to 5 retries, so 3 to 6 attempts). Default 5.
    /// </summary>
    public int MaxAuthAttemptsPerStream { get; set; } = 5;

    /// <summary>Accounts one IP address may create by in-band registration (XEP-0077) per hour. Default 5.</summary>
    public int RegistrationsPerIpPerHour { get; set; } = 5;

    /// <summary>
    /// In-band registration attempts (XEP-0077) one IP address may make per hour, whatever their
    /// outcome (a taken name counts too); one more gets policy-violation type wait. Default 30.
    /// </summary>
    public int RegistrationAttemptsPerIpPerHour { get; set; } = 30;

    /// <summary>In-band registration attempts on one stream; one more ends it with policy-violation. Default 5.</summary>
    public int RegistrationAttemptsPerStream { get; set; } = 5;

    /// <summary>In-band password changes (XEP-0077 §3.3) per account per hour; one more gets policy-violation type wait. Default 5.</summary>
    public int PasswordChangesPerAccountPerHour { get; set; } = 5;

    /// <summary>Elements in one stanza, the stanza itself included; more is policy-violation. Default 4096.</summary>
    public int MaxElementsPerStanza { get; set; } = 4096;

    /// <summary>Attributes on one element, namespace declarations included; more is policy-violation. Default 64.</summary>
    public int MaxAttributesPerElement { get; set; } = 64;

    /// <summary>UTF-8 bytes of one attribute value after references are resolved (every element, the stream header too); more is policy-violation. Default 16384.</summary>
    public int MaxAttributeValueBytes { get; set; } = 16 * 1024;

    /// <summary>UTF-8 bytes of one run of character data in a stanza, after references are resolved; more is policy-violation. Default 262144 (the stanza size).</summary>
    public int MaxTextBytes { get; set; } = 256 * 1024;

    /// <summary>Namespace declarations on one element (the stream header too); more is policy-violation. Default 16.</summary>
    public int MaxNamespaceDeclarationsPerElement { get; set; } = 16;

    /// <summary>Namespace declarations in scope at once (the stream header's and every open element's); more is policy-violation. Default 64.</summary>
    public int MaxNamespaceDeclarationsInScope { get; set; } = 64;
}
