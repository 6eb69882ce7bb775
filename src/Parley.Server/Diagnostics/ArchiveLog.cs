using Microsoft.Extensions.Logging;

namespace Parley.Server.Diagnostics;

/// <summary>Modules/Archive logs. Event IDs 1080–1089 (inside Modules' range); next free: 1084.</summary>
internal static partial class ArchiveLog
{
    [LoggerMessage(1080, LogLevel.Warning, "Writing {Count} archived messages failed (attempt {Attempt}); retrying")]
    public static partial void WriteRetrying(ILogger logger, int count, int attempt, Exception exception);

    [LoggerMessage(1081, LogLevel.Error, "Writing {Count} archived messages failed {Attempts} times; they are not archived")]
    public static partial void WriteDropped(ILogger logger, int count, int attempts, Exception exception);

    [LoggerMessage(1082, LogLevel.Information, "Archive retention deleted {Count} messages older than {Days} days")]
    public static partial void RetentionDeleted(ILogger logger, int count, int days);

    [LoggerMessage(1083, LogLevel.Error, "Archive retention run failed; the next run retries")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
