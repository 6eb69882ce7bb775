namespace Parley.Server.Hosting;

/// <summary>XEP-0313 message archive and XEP-0359 stanza ids (keys Archive:*); listed in docs/configuration.md.</summary>
public sealed class ArchiveOptions
{
    /// <summary>Archive messages and answer archive queries. Default true (XEP-0479 IM Advanced expects it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// What an account archives until it sets its own preference (XEP-0313 §6): "always", "never" or
    /// "roster" (only conversations with roster contacts). Default "always".
    /// </summary>
    public string DefaultPolicy { get; set; } = "always";

    /// <summary>Days a message stays in the archive; older ones are deleted by a background task. 0 keeps them forever. Default 365.</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>Minutes between two runs of the retention task. Default 60.</summary>
    public int RetentionIntervalMinutes { get; set; } = 60;

    /// <summary>Largest page a query returns; a larger RSM &lt;max/&gt; is clamped to it (XEP-0313 §4.2). Default 250.</summary>
    public int MaxPageSize { get; set; } = 250;

    /// <summary>The page size of a query without RSM &lt;max/&gt;; at most MaxPageSize. Default 50.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>JIDs an account may list in its preferences' always and never lists together (XEP-0313 §6); more gets policy-violation. Default 1000.</summary>
    public int MaxPreferenceJids { get; set; } = 1000;

    /// <summary>Messages written to the database in one transaction, at most. Default 5000.</summary>
    public int WriteBatchSize { get; set; } = 5000;

    /// <summary>
    /// Longest wait, in milliseconds, for a batch to gather before the writer commits what is queued
    /// (a query waiting for the writer cuts it short). Default 50.
    /// </summary>
    public int WriteIntervalMilliseconds { get; set; } = 50;

    /// <summary>
    /// Messages waiting to be written, at most; at the bound, delivery waits for the writer (it never
    /// drops a message). What waits here is what a crash can lose (docs/operations.md). Default 20000.
    /// </summary>
    public int WriteQueueLength { get; set; } = 20000;
}
