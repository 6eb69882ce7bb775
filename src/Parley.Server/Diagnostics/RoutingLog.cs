using Microsoft.Extensions.Logging;

namespace Parley.Server.Diagnostics;

/// <summary>Routing/ and Sessions/ logs. Event IDs 300–399; next free: 302. Stanza addressing is logged at Trace, payloads never.</summary>
internal static partial class RoutingLog
{
    [LoggerMessage(300, LogLevel.Trace, "Routing <{Kind} type='{Type}' id='{Id}' to='{To}'> from {From}")]
    public static partial void Routing(ILogger logger, string from, string kind, string? type, string? id, string? to);

    [LoggerMessage(301, LogLevel.Error, "Handler failed for a stanza from {From}")]
    public static partial void HandlerFailed(ILogger logger, string from, Exception exception);
}
