using Parley.Server.Connections;
using Parley.Server.Diagnostics;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Federation;

/// <summary>
/// The one outbound stream of a domain pair, from its first stanza to its close: stanzas queue
/// (bounded by S2s:MaxQueuedStanzas) until dialback says valid, then go straight to the
/// connection's outbox. If the stream never authenticates, the queue is bounced (RFC 6120
/// §10.4.3). db:verify requests for inbound streams (XEP-0220 §2.3) ride on it too.
/// </summary>
internal sealed class OutboundStream(S2sConnector connector, DomainPair pair)
{
    private readonly Lock _gate = new();
    private readonly List<Element> _queue = [];
    private readonly Dictionary<string, PendingVerification> _verifications = new(StringComparer.Ordinal);
    private XmppConnection? _connection;
    private bool _authenticated;
    private bool _verifyReady;
    private bool _ended;
    private StanzaErrorCondition _failure = StanzaErrorCondition.RemoteServerNotFound;
    private long _lastActivity = connector.Services.Time.GetTimestamp();

    public DomainPair Pair => pair;

    /// <summary>Queues or sends a stanza; false once the stream has ended (the caller opens a new one).</summary>
    public bool TrySend(Element stanza)
    {
        XmppConnection? connection;
        lock (_gate)
        {
            if (_ended)
            {
                return false;
            }

            _lastActivity = connector.Services.Time.GetTimestamp();
            connection = _authenticated ? _connection : null;
            if (connection is null)
            {
                if (_queue.Count >= connector.Services.S2s.MaxQueuedStanzas)
                {
                    FederationLog.QueueFull(connector.Services.Logger, pair.Remote, connector.Services.S2s.MaxQueuedStanzas);
                    connector.Bounce(stanza, StanzaErrorCondition.ResourceConstraint);
                    return true;
                }

                _queue.Add(stanza);
                return true;
            }
        }

        if (!connection.TrySend(stanza))
        {
            // The connection is closing (idle, or too slow and being closed): this stream is done,
            // and the caller opens a new one for the stanza.
            lock (_gate)
            {
                _ended = true;
            }

            connector.Forget(this);
            return false;
        }

        return true;
    }

    /// <summary>
    /// XEP-0220 §2.3.1: asks the authoritative server whether a key is valid. Null when it cannot be
    /// asked; the caller bounds the wait (S2s:DialbackTimeoutSeconds) and then calls <see cref="Abandon"/>.
    /// </summary>
    public Task<bool?> VerifyAsync(string streamId, string key)
    {
        var pending = new PendingVerification(FederationServices.Dialback("verify", pair.Local, pair.Remote, id: streamId, key: key));
        XmppConnection? connection;
        lock (_gate)
        {
            if (_ended)
            {
                return Task.FromResult<bool?>(null);
            }

            if (!_verifications.TryAdd(streamId, pending))
            {
                // A second request for the same stream id before the first was answered: not this server's.
                return Task.FromResult<bool?>(false);
            }

            _lastActivity = connector.Services.Time.GetTimestamp();
            connection = _verifyReady ? _connection : null;
            pending.SentOn = connection;
        }

        connection?.Send(pending.Request);
        return pending.Completion.Task;
    }

    /// <summary>The wait for a verification ended without an answer: a late answer is then ignored.</summary>
    public void Abandon(string streamId)
    {
        lock (_gate)
        {
            _verifications.Remove(streamId);
        }
    }

    public void Start() => _ = connector.RunAsync(this);

    /// <summary>The connection that is being negotiated (one at a time, for each address tried).</summary>
    public void Attach(XmppConnection connection)
    {
        lock (_gate)
        {
            _connection = connection;
        }
    }

    /// <summary>TLS is settled on <paramref name="connection"/>: the verifications waiting for it go out there.</summary>
    public void OnVerifyReady(XmppConnection connection)
    {
        List<Element> requests = [];
        lock (_gate)
        {
            _verifyReady = true;
            foreach (var pending in _verifications.Values)
            {
                if (pending.SentOn is null)
                {
                    pending.SentOn = connection;
                    requests.Add(pending.Request);
                }
            }
        }

        foreach (var request in requests)
        {
            connection.Send(request);
        }
    }

    public void OnAuthenticated(XmppConnection connection)
    {
        List<Element> queued;
        lock (_gate)
        {
            _authenticated = true;
            queued = [.. _queue];
            _queue.Clear();
        }

        foreach (var stanza in queued)
        {
            if (!connection.TrySend(stanza))
            {
                connector.Bounce(stanza, StanzaErrorCondition.RemoteServerTimeout);
            }
        }
    }

    /// <summary>
    /// XEP-0220 §2.3.2: an answer to one of our db:verify requests. Taken only when it names the
    /// pair and a request that went out on the same connection; anything else is ignored (a late
    /// answer after <see cref="Abandon"/>, or one for a request never sent), so that no peer can
    /// settle a verification it was not asked.
    /// </summary>
    public void CompleteVerify(XmppConnection connection, string? id, string? from, string? to, string type)
    {
        PendingVerification? pending;
        lock (_gate)
        {
            if (id is null || from != pair.Remote || to != pair.Local
                || !_verifications.TryGetValue(id, out pending) || !ReferenceEquals(pending.SentOn, connection))
            {
                return;
            }

            _verifications.Remove(id);
        }

        pending.Completion.TrySetResult(type switch
        {
            "valid" => true,
            "invalid" => false,
            _ => null,
        });
    }

    /// <summary>The remote server refused this pair (no TLS, policy, dialback invalid): the failure the queue bounces with.</summary>
    public void Refused(StanzaErrorCondition condition, string reason)
    {
        lock (_gate)
        {
            _failure = condition;
        }

        FederationLog.OutboundRefused(connector.Services.Logger, pair.Local, pair.Remote, reason);
    }

    /// <summary>Set when the attempt timed out (connect or negotiation), so the queue bounces with remote-server-timeout.</summary>
    public void TimedOut()
    {
        lock (_gate)
        {
            _failure = StanzaErrorCondition.RemoteServerTimeout;
        }
    }

    public bool IsIdle(long now)
    {
        lock (_gate)
        {
            return connector.Services.Elapsed(_lastActivity, now, connector.Services.S2s.IdleTimeoutSeconds);
        }
    }

    /// <summary>A connection ended. Not yet authenticated: the next address may be tried, so nothing ends here.</summary>
    public void OnClosed(XmppConnection connection)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_connection, connection))
            {
                _verifyReady = false;
            }
        }
    }

    public bool IsAuthenticated
    {
        get
        {
            lock (_gate)
            {
                return _authenticated;
            }
        }
    }

    /// <summary>No more attempts: bounce what waits, fail pending verifications, and let the next stanza open a new stream.</summary>
    public void End()
    {
        List<Element> queued;
        List<PendingVerification> verifications;
        StanzaErrorCondition failure;
        lock (_gate)
        {
            _ended = true;
            queued = [.. _queue];
            _queue.Clear();
            failure = _failure;
            verifications = [.. _verifications.Values];
            _verifications.Clear();
        }

        foreach (var pending in verifications)
        {
            pending.Completion.TrySetResult(null);
        }

        if (queued.Count > 0)
        {
            FederationLog.OutboundFailed(connector.Services.Logger, pair.Local, pair.Remote, failure, queued.Count);
        }

        foreach (var stanza in queued)
        {
            connector.Bounce(stanza, failure);
        }
    }

    /// <summary>One db:verify request: its answer, and the connection it went out on (null while it waits for one).</summary>
    private sealed class PendingVerification(Element request)
    {
        public Element Request { get; } = request;

        public TaskCompletionSource<bool?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public XmppConnection? SentOn { get; set; }
    }
}
