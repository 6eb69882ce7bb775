using Microsoft.Extensions.Logging;
using Parley.Xmpp.Sasl;

namespace Parley.Server.Diagnostics;

/// <summary>Negotiation/ logs. Event IDs 200–299; next free: 206. Never logs SASL payloads.</summary>
internal static partial class NegotiationLog
{
    [LoggerMessage(200, LogLevel.Information, "Connection {ConnectionId} authenticated as {Account} with {Mechanism}")]
    public static partial void Authenticated(ILogger logger, string connectionId, string account, string mechanism);

    [LoggerMessage(201, LogLevel.Information, "Connection {ConnectionId} authentication failed with {Mechanism}: {Condition}")]
    public static partial void AuthenticationFailed(ILogger logger, string connectionId, string mechanism, SaslFailureCondition condition);

    [LoggerMessage(202, LogLevel.Information, "Connection {ConnectionId} bound {Jid}")]
    public static partial void Bound(ILogger logger, string connectionId, string jid);

    [LoggerMessage(203, LogLevel.Information, "{Jid} replaced by a new session with the same resource")]
    public static partial void Replaced(ILogger logger, string jid);

    [LoggerMessage(205, LogLevel.Error, "Connection {ConnectionId}: the account store failed during authentication")]
    public static partial void CredentialLookupFailed(ILogger logger, string connectionId, Exception exception);

    // 250-259: the limits of issue #5 (hardening).
    [LoggerMessage(250, LogLevel.Information, "Connection {ConnectionId}: authentication outcome held {Seconds} s (throttled)")]
    public static partial void AuthenticationDelayed(ILogger logger, string connectionId, double seconds);
}
