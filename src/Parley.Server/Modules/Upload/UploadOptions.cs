namespace Parley.Server.Modules.Upload;

/// <summary>
/// HTTP File Upload (XEP-0363), keys Modules:Upload:*. The service runs on &lt;Subdomain&gt;.&lt;domain&gt;
/// for each hosted domain when the HTTP server is on (Http:Port or Http:TlsPort); files are kept
/// under &lt;DataDirectory&gt;/uploads.
/// </summary>
public sealed class UploadOptions : ModuleOptions
{
    /// <summary>The label put before each hosted domain to name the service. Default "upload".</summary>
    public string Subdomain { get; set; } = "upload";

    /// <summary>Largest file in bytes; a larger slot request gets file-too-large with this maximum. Default 104857600 (100 MiB).</summary>
    public long MaxFileBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>Bytes of stored files (and slots given) one account may hold; past it a slot request gets resource-constraint. Default 1073741824 (1 GiB).</summary>
    public long QuotaBytesPerUser { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Days a file is kept after its upload; then it is deleted and its GET URL answers 404. Default 30.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Seconds a slot's PUT URL stays usable after the slot was given. Default 300.</summary>
    public int SlotSeconds { get; set; } = 300;

    /// <summary>Content types a slot may be requested for (exact, lowercase); empty allows any. Default empty.</summary>
    public List<string> AllowedContentTypes { get; set; } = [];

    /// <summary>Slots one account may hold unused at once; more gets resource-constraint. Default 20.</summary>
    public int MaxPendingSlotsPerUser { get; set; } = 20;
}
