using System.Net;
using Microsoft.Extensions.Logging;
using Parley.Xmpp.Streams;

namespace Parley.Server.Diagnostics;

/// <summary>Connections/ and Hosting/ listener logs. Event IDs 100–199; next free: 112.</summary>
internal static partial class ConnectionLog
{
    [LoggerMessage(100, LogLevel.Debug, "Connection {ConnectionId} accepted on {Kind} from {Remote}")]
    public static partial void Accepted(ILogger logger, string connectionId, string kind, EndPoint? remote);

    [LoggerMessage(101, LogLevel.Debug, "Connection {ConnectionId} closed")]
    public static partial void Closed(ILogger logger, string connectionId);

    [LoggerMessage(102, LogLevel.Information, "Connection {ConnectionId} stream error {Condition}: {Reason}")]
    public static partial void StreamErrorSent(ILogger logger, string connectionId, StreamErrorCondition condition, string? reason);

    [LoggerMessage(103, LogLevel.Debug, "Connection {ConnectionId} TLS established: {Protocol} {Cipher}")]
    public static partial void TlsEstablished(ILogger logger, string connectionId, System.Security.Authentication.SslProtocols protocol, System.Net.Security.TlsCipherSuite cipher);

    [LoggerMessage(104, LogLevel.Information, "Connection {ConnectionId} TLS handshake failed")]
    public static partial void TlsFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(105, LogLevel.Information, "Connection {ConnectionId}: data received after <starttls/> before the handshake; refusing TLS")]
    public static partial void DataAfterStartTls(ILogger logger, string connectionId);

    [LoggerMessage(106, LogLevel.Warning, "Connection {ConnectionId}: outbound queue full, closing the slow connection")]
    public static partial void OutboxFull(ILogger logger, string connectionId);

    [LoggerMessage(107, LogLevel.Error, "Connection {ConnectionId} failed unexpectedly")]
    public static partial void Unexpected(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(108, LogLevel.Information, "Listening for {Kind} on {EndPoint}")]
    public static partial void Listening(ILogger logger, string kind, EndPoint endPoint);

    [LoggerMessage(109, LogLevel.Warning, "AllowPlaintextAuth is on: clients may authenticate without TLS. Use it only on loopback for tests and benchmarks.")]
    public static partial void PlaintextAuthAllowed(ILogger logger);

    [LoggerMessage(110, LogLevel.Debug, "Connection {ConnectionId} lost: {Reason}")]
    public static partial void Lost(ILogger logger, string connectionId, string reason);

    [LoggerMessage(111, LogLevel.Information, "BOSH session {ConnectionId}: no request for {Seconds} s, ended (XEP-0124 §10)")]
    public static partial void BoshInactive(ILogger logger, string connectionId, int seconds);

    // 150-159: the limits of issue #5 (hardening).
    [LoggerMessage(150, LogLevel.Information, "Connection {ConnectionId} from {EndPoint} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string connectionId, EndPoint? endPoint, string reason);

    [LoggerMessage(151, LogLevel.Debug, "Connection {ConnectionId} idle: sent a ping")]
    public static partial void IdleProbe(ILogger logger, string connectionId);

    [LoggerMessage(152, LogLevel.Information, "Connection {ConnectionId} idle too long: closing")]
    public static partial void IdleTimeout(ILogger logger, string connectionId);
}
