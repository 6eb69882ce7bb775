namespace Parley.Server.Modules.Push;

/// <summary>XEP-0357 push notifications (keys Modules:Push:*); listed in docs/configuration.md.</summary>
public sealed class PushOptions : ModuleOptions
{
    /// <summary>
    /// App server registrations one account may hold; enabling one more forgets the oldest (a device
    /// reinstalled gets a new node, and the old one would otherwise linger until its app server errs). Default 10.
    /// </summary>
    public int MaxRegistrationsPerAccount { get; set; } = 10;

    /// <summary>
    /// Seconds between two notifications to one registration: events meanwhile are summed into one
    /// notification sent when the time is up. One notification per registration is in flight at a time. Default 2.
    /// </summary>
    public int MinIntervalSeconds { get; set; } = 2;

    /// <summary>Seconds to wait for the app server's answer to a notification; no answer keeps the registration. Default 60.</summary>
    public int ReplyTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Errors in a row (other than temporary 'wait' errors and the conditions that disable at once)
    /// after which a registration is disabled; a result resets the count. Default 16.
    /// </summary>
    public int MaxErrors { get; set; } = 16;

    /// <summary>Whether a notification names the last sender (last-message-sender). Default true.</summary>
    public bool IncludeSender { get; set; } = true;

    /// <summary>Whether a notification carries the last message's text (last-message-body) to the app server, a third party. Default false.</summary>
    public bool IncludeBody { get; set; }

    /// <summary>Size in bytes of the publish-options form a client may store with a registration. Default 4096.</summary>
    public int MaxPublishOptionsBytes { get; set; } = 4096;
}
