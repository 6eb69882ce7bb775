using Microsoft.Extensions.Logging;

namespace Parley.Server.Diagnostics;

/// <summary>Modules/Pep, Modules/Caps, Modules/Avatars and Modules/Bookmarks logs. Event IDs 1090–1099 (inside Modules' range); next free: 1096.</summary>
internal static partial class PepLog
{
    [LoggerMessage(1090, LogLevel.Debug, "Entity capabilities {Ver} of {Entity} did not verify; not used")]
    public static partial void CapsUnverified(ILogger logger, string ver, string entity);

    [LoggerMessage(1091, LogLevel.Warning, "Sending the last PEP items of {Owner} to {Recipient} failed")]
    public static partial void LastItemsFailed(ILogger logger, string owner, string recipient, Exception exception);

    [LoggerMessage(1092, LogLevel.Warning, "Asking {Entity} for its capabilities {Ver} failed")]
    public static partial void CapsQueryFailed(ILogger logger, string ver, string entity, Exception exception);

    [LoggerMessage(1093, LogLevel.Warning, "Mirroring {Account}'s {What} failed")]
    public static partial void MirrorFailed(ILogger logger, string account, string what, Exception exception);

    [LoggerMessage(1094, LogLevel.Information, "{Account}'s avatar was not converted: {Reason}")]
    public static partial void AvatarNotConverted(ILogger logger, string account, string reason);

    [LoggerMessage(1095, LogLevel.Information, "{Account}'s bookmarks were not mirrored to {Where}: {Reason}")]
    public static partial void BookmarksNotMirrored(ILogger logger, string account, string where, string reason);
}
