namespace Parley.Server.Hosting;

/// <summary>
/// The whole server configuration, bound from the configuration root (JSON file, PARLEY_*
/// environment variables, command line). Every key and its default is listed in
/// docs/configuration.md; keep the two in step.
/// </summary>
public sealed class ParleyOptions
{
    /// <summary>The domains this server hosts (virtual hosts). Default: ["localhost"].</summary>
    public List<string> Domains { get; set; } = [];

    /// <summary>Folder for the database, the generated certificate and other state. Default "data" (relative to the working directory).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Addresses to listen on; empty means every IPv4 and IPv6 address.</summary>
    public List<string> Bind { get; set; } = [];

    /// <summary>Client port with STARTTLS (RFC 6120). 0 disables it. Default 5222.</summary>
    public int C2sPort { get; set; } = 5222;

    /// <summary>Client port with direct TLS (XEP-0368). 0 disables it. Default 5223.</summary>
    public int C2sTlsPort { get; set; } = 5223;

    /// <summary>Permit authentication on unencrypted streams (loopback benchmarks and tests only). Default false.</summary>
    public bool AllowPlaintextAuth { get; set; }

    public TlsOptions Tls { get; set; } = new();

    public StorageOptions Storage { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    /// <summary>In-band registration (XEP-0077). Default false.</summary>
    public bool AllowRegistration { get; set; }

    /// <summary>Answer software version queries (XEP-0092). Default true.</summary>
    public bool AdvertiseVersion { get; set; } = true;
}

public sealed class TlsOptions
{
    /// <summary>A PKCS#12 or PEM certificate file; empty means a self-signed certificate generated in the data folder on first start.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>The PEM private key when CertificatePath is a PEM certificate.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>Password of a PKCS#12 certificate file, if any.</summary>
    public string CertificatePassword { get; set; } = "";
}

public sealed class StorageOptions
{
    /// <summary>"sqlite" (default). PostgreSQL comes later.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Empty means &lt;DataDirectory&gt;/parley.db for SQLite.</summary>
    public string ConnectionString { get; set; } = "";
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
}
