using System.IO.Pipelines;
using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Parley.Server.Diagnostics;
using Parley.Server.Modules.Events;
using Parley.Server.Negotiation;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>
/// One client connection: a read loop (bytes → XML events → negotiation or the router), a write
/// loop draining a bounded outbox with one flush per batch, and a single choke point where stream
/// errors are written and the stream is closed (RFC 6120 §4.4, §4.9).
/// </summary>
internal sealed partial class XmppConnection : ISessionEndpoint, INegotiationOutput, IHeartbeatTarget
{
    /// <summary>RFC 6120 §4.4: how long to wait for the peer's &lt;/stream:stream&gt; after ours.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private const int MinimumOutboundQueueLength = 16;

    private readonly ConnectionContext _context;
    private readonly C2sConnectionHandler _server;
    private readonly Outbox _outbox;
    private readonly XmppStreamReader _xml;
    private readonly C2sNegotiator _negotiator;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _writeAbort = new();
    private readonly long _negotiationDeadline;
    private readonly bool _directTls;

    private PipeReader _input;
    private PipeWriter _output;
    private SslStream? _tls;
    private ClientSession? _session;
    private Element? _clientHeader;
    private StreamErrorException? _terminate;
    private volatile bool _headerSent;
    private volatile bool _outboxOverflowed;
    private volatile bool _closing;

    public XmppConnection(ConnectionContext context, C2sConnectionHandler server, bool directTls)
    {
        _context = context;
        _server = server;
        _directTls = directTls;
        _input = context.Transport.Input;
        _output = context.Transport.Output;
        var limits = server.Options.Limits;
        // Negotiation queues a few items back to back (header, features), so the queue never goes below 16.
        _outbox = new Outbox(Math.Max(limits.OutboundQueueLength, MinimumOutboundQueueLength));
        _xml = new XmppStreamReader(new XmlLimits { MaxStanzaBytes = limits.MaxStanzaBytes, MaxDepth = limits.MaxDepth });
        _negotiator = new C2sNegotiator(server.Negotiation, this, this, directTls);
        var time = server.Heartbeat.Time;
        _negotiationDeadline = time.GetTimestamp() + (long)(limits.NegotiationTimeoutSeconds * (double)time.TimestampFrequency);

        // RFC 6120 §4.9.3.17: when the host stops, Kestrel asks each connection to close; tell the client why.
        context.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
            .Register(() => Terminate(StreamErrorCondition.SystemShutdown));
    }

    public string ConnectionId => _context.ConnectionId;

    private ILogger Logger => _server.Logger;

    public async Task RunAsync()
    {
        ConnectionLog.Accepted(Logger, ConnectionId, _directTls ? "c2s-tls" : "c2s", _context.RemoteEndPoint);
        _server.Heartbeat.Register(this);
        Task? writeLoop = null;
        var peerClosed = false;
        StreamErrorException? error = null;
        try
        {
            if (_directTls)
            {
                // XEP-0368: the handshake comes before the first XMPP byte.
                await UpgradeTransportAsync().ConfigureAwait(false);
            }

            writeLoop = WriteLoopAsync();
            peerClosed = await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (StreamErrorException e)
        {
            error = e;
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            ConnectionLog.Lost(Logger, ConnectionId, e.GetType().Name);
        }
        catch (Exception e)
        {
            ConnectionLog.Unexpected(Logger, ConnectionId, e);
            error = new StreamErrorException(StreamErrorCondition.InternalServerError);
        }
        finally
        {
            await CloseAsync(writeLoop, error, peerClosed).ConfigureAwait(false);
            _server.Heartbeat.Unregister(this);
            await EndSessionAsync().ConfigureAwait(false);
            ConnectionLog.Closed(Logger, ConnectionId);
        }
    }

    public bool TrySend(Element stanza) => Enqueue(new Outgoing(OutgoingKind.Element, stanza));

    public void Terminate(StreamErrorCondition condition, string? text = null)
    {
        if (Interlocked.CompareExchange(ref _terminate, new StreamErrorException(condition, text), null) is null)
        {
            // Wake the read loop wherever it waits; it raises the error at its choke point.
            _input.CancelPendingRead();
            _abort.Cancel();
        }
    }

    public void SendHeader(IReadOnlyList<XmlAttribute> attributes)
    {
        _headerSent = true;
        Enqueue(new Outgoing(OutgoingKind.Header, Header: attributes));
    }

    public void Send(Element element) => Enqueue(new Outgoing(OutgoingKind.Element, element));

    public void OnHeartbeat(long timestamp)
    {
        if (_session is null && timestamp >= _negotiationDeadline)
        {
            // RFC 6120 §4.9.3.4: the client did not finish negotiating in time.
            Terminate(StreamErrorCondition.ConnectionTimeout);
        }
    }

    private bool Enqueue(Outgoing item)
    {
        if (_outbox.TryWrite(item))
        {
            return true;
        }

        if (!_closing && _terminate is null && !_outboxOverflowed)
        {
            // Never block the sender: a reader this slow is disconnected (MQTTnet's bounded outbox idea).
            _outboxOverflowed = true;
            ConnectionLog.OutboxFull(Logger, ConnectionId);
            Terminate(StreamErrorCondition.PolicyViolation, "Too many stanzas waiting for this connection");
        }

        return false;
    }

    private void ThrowIfTerminated()
    {
        if (Volatile.Read(ref _terminate) is { } e)
        {
            throw e;
        }
    }

    private async Task EndSessionAsync()
    {
        if (_session is { } session && _server.Negotiation.Sessions.Unbind(session))
        {
            await _server.Negotiation.Modules.PublishAsync(new SessionClosed(session)).ConfigureAwait(false);
        }
    }

    private static bool IsConnectionLoss(Exception e) =>
        e is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException
            or System.Security.Authentication.AuthenticationException or ObjectDisposedException;
}
