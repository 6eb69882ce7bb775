using Microsoft.Extensions.Logging;

namespace Parley.Server.Diagnostics;

/// <summary>Routing/ and Sessions/ logs. Event IDs 300–399; next free: 302. Stanzas are logged at Trace only.</summary>
internal static partial class RoutingLog
{
    [LoggerMessage(300, LogLevel.Trace, "Routing from {From}: {Stanza}")]
    public static partial void Routing(ILogger logger, string from, string stanza);

    [LoggerMessage(301, LogLevel.Error, "Handler failed for a stanza from {From}")]
    public static partial void HandlerFailed(ILogger logger, string from, Exception exception);
}
