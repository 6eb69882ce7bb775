using Microsoft.Extensions.Logging;

namespace Parley.Server.Diagnostics;

/// <summary>Logs of local administration (1100-1119): the admin socket and SIGHUP reloads.</summary>
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

    [LoggerMessage(1110, LogLevel.Information, "SIGHUP: reloading certificates and checking the configuration")]
    public static partial void Reloading(ILogger logger);

    [LoggerMessage(1111, LogLevel.Information, "SIGHUP: TLS certificate {What} changed from {OldThumbprint} to {NewThumbprint} ({Subject}, valid until {NotAfter:u})")]
    public static partial void CertificateChanged(ILogger logger, string what, string oldThumbprint, string newThumbprint, string subject, DateTime notAfter);

    [LoggerMessage(1112, LogLevel.Information, "SIGHUP: TLS certificate {What} unchanged ({Thumbprint})")]
    public static partial void CertificateUnchanged(ILogger logger, string what, string thumbprint);

    [LoggerMessage(1113, LogLevel.Warning, "SIGHUP: configuration key {Key} changed; it takes effect at the next restart")]
    public static partial void NeedsRestart(ILogger logger, string key);

    [LoggerMessage(1114, LogLevel.Error, "SIGHUP: reload failed, the running configuration and certificates stay in force: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string reason);
}
