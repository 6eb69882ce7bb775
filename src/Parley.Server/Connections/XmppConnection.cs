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
/// One XML stream over one connection: a read loop (bytes → XML events → its <see cref="IStreamRole"/>:
/// client negotiation and the router, or a server-to-server stream), a write loop draining a bounded
/// outbox with one flush per batch, and a single choke point where stream errors are written and
/// the stream is closed (RFC 6120 §4.4, §4.9).
/// </summary>
internal sealed partial class XmppConnection : ISessionEndpoint, INegotiationOutput, IHeartbeatTarget
{
    /// <summary>RFC 6120 §4.4: how long to wait for the peer's &lt;/stream:stream&gt; after ours.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private const int MinimumOutboundQueueLength = 16;

    private readonly ConnectionContext _context;
    private readonly ConnectionServices _server;
    private readonly Outbox _outbox;
    private readonly IStreamFraming _framing;
    private readonly IStreamRole _role;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _writeAbort = new();
    private readonly long _negotiationDeadline;
    private readonly bool _directTls;

    private PipeReader _input;
    private PipeWriter _output;
    private SslStream? _tls;
    private StreamHeader? _peerHeader;
    private StreamErrorException? _terminate;
    private volatile bool _headerSent;
    private volatile bool _outboxOverflowed;
    private volatile bool _closing;
    private volatile bool _closeRequested;

    /// <param name="server">What every connection shares (options, heartbeat, limits, logger).</param>
    /// <param name="role">Builds the stream's role for this connection (client, server-to-server, component).</param>
    /// <param name="framing">How the stream sits on the transport; null for the XML stream over TCP (RFC 6120 §4).</param>
    public XmppConnection(ConnectionContext context, ConnectionServices server, bool directTls, Func<XmppConnection, IStreamRole> role, Func<XmlLimits, IStreamFraming>? framing = null)
    {
        _context = context;
        _server = server;
        _directTls = directTls;
        _input = context.Transport.Input;
        _output = context.Transport.Output;
        var limits = server.Options.Limits;
        // Negotiation queues a few items back to back (header, features), so the queue never goes below 16.
        _outbox = new Outbox(Math.Max(limits.OutboundQueueLength, MinimumOutboundQueueLength));
        var parserLimits = new XmlLimits
        {
            MaxStanzaBytes = limits.MaxStanzaBytes,
            MaxDepth = limits.MaxDepth,
            MaxElements = limits.MaxElementsPerStanza,
            MaxAttributes = limits.MaxAttributesPerElement,
            MaxAttributeValueBytes = limits.MaxAttributeValueBytes,
            MaxTextBytes = limits.MaxTextBytes,
            MaxNamespaceDeclarations = limits.MaxNamespaceDeclarationsPerElement,
            MaxNamespaceDeclarationsInScope = limits.MaxNamespaceDeclarationsInScope,
        };
        _framing = framing is null ? new XmlStreamFraming(parserLimits) : framing(parserLimits);
        _role = role(this);
        var time = server.Heartbeat.Time;
        _negotiationDeadline = time.GetTimestamp() + (long)(limits.NegotiationTimeoutSeconds * (double)time.TimestampFrequency);

        // RFC 6120 §4.9.3.17: when the host stops, Kestrel asks each connection to close; tell the client why.
        context.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
            .Register(() => Terminate(StreamErrorCondition.SystemShutdown));
    }

    public string ConnectionId => _context.ConnectionId;

    /// <summary>How the stream ended; read by the role once the connection has closed.</summary>
    public TransportEnd End { get; private set; } = TransportEnd.Lost;

    private ILogger Logger => _server.Logger;

    public async Task RunAsync()
    {
        ConnectionLog.Accepted(Logger, ConnectionId, _role.Kind, _context.RemoteEndPoint);
        var admitted = EnterLimits(out var refusal);
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

            if (refusal is not null)
            {
                throw refusal;
            }

            writeLoop = WriteLoopAsync();
            _role.OnStarted();
            peerClosed = await ReadLoopAsync().ConfigureAwait(false);
            End = peerClosed ? TransportEnd.Closed : _closeRequested ? TransportEnd.StreamError : TransportEnd.Lost;
        }
        catch (StreamErrorException e)
        {
            error = e;
            End = e.Condition == StreamErrorCondition.ConnectionTimeout ? TransportEnd.TimedOut : TransportEnd.StreamError;
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            ConnectionLog.Lost(Logger, ConnectionId, e.GetType().Name);
        }
        catch (Exception e)
        {
            ConnectionLog.Unexpected(Logger, ConnectionId, e);
            error = new StreamErrorException(StreamErrorCondition.InternalServerError);
            End = TransportEnd.StreamError;
        }
        finally
        {
            try
            {
                _role.OnTransportEnding(End);
                await CloseAsync(writeLoop, error, peerClosed).ConfigureAwait(false);
            }
            finally
            {
                if (admitted)
                {
                    LeaveLimits();
                }
            }

            _server.Heartbeat.Unregister(this);
            await _role.OnClosedAsync().ConfigureAwait(false);
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

    /// <summary>Ends the stream without an error (RFC 6120 §4.4), e.g. an idle server-to-server stream.</summary>
    public void Close()
    {
        _closeRequested = true;
        _input.CancelPendingRead();
    }

    public void SendHeader(IReadOnlyList<XmlAttribute> attributes)
    {
        _headerSent = true;
        Enqueue(new Outgoing(OutgoingKind.Header, Header: attributes));
    }

    public void Send(Element element) => Enqueue(new Outgoing(OutgoingKind.Element, element));

    public void OnHeartbeat(long timestamp)
    {
        if (!_role.IsEstablished && timestamp >= _negotiationDeadline)
        {
            // RFC 6120 §4.9.3.4: the peer did not finish negotiating in time.
            Terminate(StreamErrorCondition.ConnectionTimeout);
        }

        _role.OnHeartbeat(timestamp);
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

    private static bool IsConnectionLoss(Exception e) =>
        e is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException
            or System.Security.Authentication.AuthenticationException or ObjectDisposedException;
}
