using Microsoft.Extensions.Logging;
using Parley.Xmpp.Streams;

namespace Parley.Server.Diagnostics;

/// <summary>Components/ logs. Event IDs 700–799; next free: 703. Secrets and handshakes are never logged.</summary>
internal static partial class ComponentLog
{
    [LoggerMessage(700, LogLevel.Information, "Component {Domain} connected on {ConnectionId}")]
    public static partial void Connected(ILogger logger, string domain, string connectionId);

    [LoggerMessage(701, LogLevel.Warning, "Component connection {ConnectionId} for {Domain} refused: {Condition}")]
    public static partial void Refused(ILogger logger, string connectionId, string domain, StreamErrorCondition condition);

    [LoggerMessage(702, LogLevel.Information, "Component {Domain} disconnected from {ConnectionId}")]
    public static partial void Disconnected(ILogger logger, string domain, string connectionId);
}
