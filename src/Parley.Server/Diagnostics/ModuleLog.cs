using Microsoft.Extensions.Logging;

namespace Parley.Server.Diagnostics;

/// <summary>Modules/ logs. Event IDs 1000–1099; next free: 1003.</summary>
internal static partial class ModuleLog
{
    [LoggerMessage(1000, LogLevel.Information, "Account {Account} changed its password in-band")]
    public static partial void PasswordChanged(ILogger logger, string account);

    [LoggerMessage(1001, LogLevel.Information, "Account {Account} removed itself in-band")]
    public static partial void AccountRemoved(ILogger logger, string account);

    [LoggerMessage(1002, LogLevel.Information, "Account {Account} registered in-band")]
    public static partial void Registered(ILogger logger, string account);
}
