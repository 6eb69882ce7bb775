using Microsoft.Extensions.Logging;

namespace Parley.Server.Diagnostics;

/// <summary>Modules/Pep and Modules/Caps logs. Event IDs 1090–1099 (inside Modules' range); next free: 1093.</summary>
internal static partial class PepLog
{
    [LoggerMessage(1090, LogLevel.Debug, "Entity capabilities {Ver} of {Entity} did not verify; not used")]
    public static partial void CapsUnverified(ILogger logger, string ver, string entity);

    [LoggerMessage(1091, LogLevel.Warning, "Sending the last PEP items of {Owner} to {Recipient} failed")]
    public static partial void LastItemsFailed(ILogger logger, string owner, string recipient, Exception exception);

    [LoggerMessage(1092, LogLevel.Warning, "Asking {Entity} for its capabilities {Ver} failed")]
    public static partial void CapsQueryFailed(ILogger logger, string ver, string entity, Exception exception);
}
