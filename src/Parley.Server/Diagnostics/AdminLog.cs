using Microsoft.Extensions.Logging;

namespace Parley.Server.Diagnostics;

/// <summary>Logs of local administration (1100-1119): the admin socket.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(1100, LogLevel.Information, "Admin socket listening at {Path} (parley user remove and passwd --kick end live sessions through it)")]
    public static partial void Listening(ILogger logger, string path);

    [LoggerMessage(1101, LogLevel.Warning, "No admin socket: {Path} is longer than a Unix socket path may be; parley user remove will not end live sessions")]
    public static partial void PathTooLong(ILogger logger, string path);

    [LoggerMessage(1102, LogLevel.Information, "Admin request: ended {Count} session(s) of {Account} ({Reason})")]
    public static partial void SessionsEnded(ILogger logger, string account, int count, string reason);

    [LoggerMessage(1103, LogLevel.Warning, "Admin request refused: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);
}
