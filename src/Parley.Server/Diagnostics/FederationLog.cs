using Microsoft.Extensions.Logging;
using Parley.Xmpp.Stanzas;

namespace Parley.Server.Diagnostics;

/// <summary>Federation/ logs. Event IDs 400–499; next free: 412. Dialback keys are never logged.</summary>
internal static partial class FederationLog
{
    [LoggerMessage(400, LogLevel.Information, "Outbound stream {Local} → {Remote}: connecting to {Host}:{Port}")]
    public static partial void Connecting(ILogger logger, string local, string remote, string host, int port);

    [LoggerMessage(401, LogLevel.Information, "Outbound stream {Local} → {Remote}: cannot connect to {Host}:{Port} ({Reason})")]
    public static partial void ConnectFailed(ILogger logger, string local, string remote, string host, int port, string reason);

    [LoggerMessage(402, LogLevel.Information, "Outbound stream {Local} → {Remote} authenticated by {Method}")]
    public static partial void OutboundAuthenticated(ILogger logger, string local, string remote, string method);

    [LoggerMessage(403, LogLevel.Information, "Outbound stream {Local} → {Remote} failed: {Condition}; {Count} queued stanzas bounced")]
    public static partial void OutboundFailed(ILogger logger, string local, string remote, StanzaErrorCondition condition, int count);

    [LoggerMessage(404, LogLevel.Information, "Inbound stream {ConnectionId}: {Remote} authenticated for {Local} by {Method}")]
    public static partial void InboundAuthenticated(ILogger logger, string connectionId, string remote, string local, string method);

    [LoggerMessage(405, LogLevel.Information, "Inbound stream {ConnectionId}: dialback for {Remote} → {Local} is {Outcome}")]
    public static partial void DialbackRefused(ILogger logger, string connectionId, string remote, string local, string outcome);

    [LoggerMessage(406, LogLevel.Debug, "Answered db:verify from {Receiving} for {Originating}: {Outcome}")]
    public static partial void VerifyAnswered(ILogger logger, string receiving, string originating, string outcome);

    [LoggerMessage(407, LogLevel.Warning, "Outbound queue for {Remote} is full ({Limit}); stanza bounced")]
    public static partial void QueueFull(ILogger logger, string remote, int limit);

    [LoggerMessage(408, LogLevel.Information, "Outbound stream {Local} → {Remote} closed")]
    public static partial void OutboundClosed(ILogger logger, string local, string remote);

    [LoggerMessage(409, LogLevel.Information, "Outbound stream {Local} → {Remote}: {Reason}")]
    public static partial void OutboundRefused(ILogger logger, string local, string remote, string reason);

    [LoggerMessage(410, LogLevel.Warning, "Dialback verification for {Remote} → {Local} failed unexpectedly")]
    public static partial void VerificationFailed(ILogger logger, string remote, string local, Exception exception);

    [LoggerMessage(411, LogLevel.Debug, "Stream {ConnectionId} idle; closing")]
    public static partial void Idle(ILogger logger, string connectionId);
}
