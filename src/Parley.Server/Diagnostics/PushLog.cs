using Microsoft.Extensions.Logging;

namespace Parley.Server.Diagnostics;

/// <summary>XEP-0357 push notifications. App server JIDs are logged, publish-options (secrets) never.</summary>
internal static partial class PushLog
{
    [LoggerMessage(1200, LogLevel.Information, "Push notifications of {Account} to {AppServer} disabled: the app server answered {Condition}")]
    public static partial void Disabled(ILogger logger, string account, string appServer, string condition);

    [LoggerMessage(1201, LogLevel.Debug, "Push notification of {Account} to {AppServer} was not answered in time")]
    public static partial void Unanswered(ILogger logger, string account, string appServer);

    [LoggerMessage(1202, LogLevel.Warning, "Publishing a push notification of {Account} to {AppServer} failed")]
    public static partial void Failed(ILogger logger, string account, string appServer, Exception exception);

    [LoggerMessage(1203, LogLevel.Warning, "Push registrations could not be loaded; notifications start with the next enable")]
    public static partial void LoadFailed(ILogger logger, Exception exception);
}
