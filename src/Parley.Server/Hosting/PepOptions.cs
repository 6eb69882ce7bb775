namespace Parley.Server.Hosting;

/// <summary>XEP-0163 personal eventing on every account, and XEP-0115 caps (keys Pep:*; the switch is Modules:Pep:Enabled); listed in docs/configuration.md.</summary>
public sealed class PepOptions
{
    /// <summary>The largest item a client may publish, in UTF-8 bytes of its &lt;item/&gt;. Default 65536 (64 KiB).</summary>
    public int MaxItemBytes { get; set; } = 64 * 1024;

    /// <summary>How many nodes one account may have. Default 256.</summary>
    public int MaxNodes { get; set; } = 256;

    /// <summary>The most items a node keeps; a node configured with max_items "max" keeps this many. Default 256.</summary>
    public int MaxItemsPerNode { get; set; } = 256;

    /// <summary>
    /// How many available resources of contacts the server remembers per account, from the presence
    /// they send it, to address notifications (XEP-0163 §4.3). Default 1000.
    /// </summary>
    public int MaxContactResources { get; set; } = 1000;

    /// <summary>How many verified entity capabilities (XEP-0115) the server keeps in memory. Default 10000.</summary>
    public int MaxCachedCaps { get; set; } = 10000;

    /// <summary>How long the server waits for the answer to a caps disco#info query, in seconds. Default 10.</summary>
    public int CapsQueryTimeoutSeconds { get; set; } = 10;
}
