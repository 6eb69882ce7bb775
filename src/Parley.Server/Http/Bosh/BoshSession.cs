using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Server.Connections;
using Parley.Server.Diagnostics;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Http.Bosh;

/// <summary>
/// One BOSH session (XEP-0124) presented to <see cref="XmppConnection"/> as a connection, so the
/// client stream runs the same negotiation, SASL, limits, read bucket and timeouts as TCP. Requests
/// are taken in 'rid' order within the window (§14.2) and their payloads written to the input pipe
/// as <see cref="BoshFraming"/> reads them; what the stream writes waits here (bounded by
/// Http:Bosh:MaxPendingBytes) until a held request can carry it (§8); the last 'requests' responses
/// are kept for retransmission (§14.3). Requests past the window, too many at once or polls too
/// frequent end the session with the XEP's terminal condition; so does inactivity (§10).
/// </summary>
internal sealed class BoshSession : HttpCarriedConnection, IBoshOutput
{
    private readonly BoshGrant _grant;
    private readonly BoshSessions _registry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _creationRid;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _inputGate = new(1, 1);
    private readonly SortedDictionary<long, Exchange> _waiting = [];
    private readonly List<Exchange> _held = [];
    private readonly Queue<(long Rid, byte[] Body)> _sent = new();
    private readonly ITimer _inactivity;

    private ArrayBufferWriter<byte>? _pending;
    private long _lastRid;
    private long _lastRequestAt;
    private bool _lastResponseEmpty;
    private int? _pauseSeconds;
    private string? _authId;
    private string? _openVersion;
    private string? _openLang;
    private bool _streamError;
    private bool _connectionEnded;
    private bool _removed;
    private string? _terminal;
    private volatile StreamErrorException? _fault;

    /// <param name="connection">The creation request's connection: its addresses are the session's.</param>
    public BoshSession(string sid, BoshRequest creation, BoshGrant grant, BoshSessions registry, ConnectionInfo connection, TimeProvider time, ILogger logger, CancellationToken stopping)
        : base("bosh-" + sid[..8], connection, stopping)
    {
        Sid = sid;
        _grant = grant;
        _registry = registry;
        _time = time;
        _logger = logger;
        _creationRid = creation.Rid;
        _lastRid = creation.Rid - 1;
        _inactivity = time.CreateTimer(static state => ((BoshSession)state!).OnInactive(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Sid { get; }

    public string ContentType => _grant.ContentType;

    /// <summary>Raised by the framing: the client stopped collecting what it was sent (Http:Bosh:MaxPendingBytes).</summary>
    public StreamErrorException? Fault => _fault;

    /// <summary>The output pipe carries nothing: the framing hands elements to this session (IBoshOutput) instead.</summary>
    public override void Abort(ConnectionAbortedException abortReason) => ClosedSource.Cancel();

    /// <summary>Runs the client stream until it ends, then answers what is held with type='terminate'.</summary>
    public async Task RunAsync(Func<ConnectionContext, Task> stream)
    {
        try
        {
            await stream(this).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _connectionEnded = true;
                // XEP-0206 §7: a stream error reaches the client inside a remote-stream-error terminate.
                _terminal ??= _streamError ? "remote-stream-error" : "";
                var answered = _held.Count > 0;
                Pump();
                if (answered || _removed)
                {
                    Remove();
                }
                else
                {
                    // Kept for the client's next request, which gets the last payloads and the terminate.
                    _inactivity.Change(TimeSpan.FromSeconds(_grant.InactivitySeconds), Timeout.InfiniteTimeSpan);
                }
            }

            await ClosedSource.CancelAsync().ConfigureAwait(false);
            await InputPipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes one request of this session (the creation request first) and returns the task of its
    /// response body: at once for a retransmission or a terminal error, else once it is answered.
    /// </summary>
    public Task<byte[]> RequestAsync(BoshRequest request)
    {
        Exchange exchange;
        lock (_lock)
        {
            if (_terminal is not null)
            {
                return Task.FromResult(Final());
            }

            if (request.Rid <= _lastRid)
            {
                // XEP-0124 §14.3: a repeated rid gets the same response again, or item-not-found once it is gone.
                foreach (var (rid, body) in _sent)
                {
                    if (rid == request.Rid)
                    {
                        return Task.FromResult(body);
                    }
                }

                return _held.Find(e => e.Rid == request.Rid) is { } held
                    ? held.Response.Task
                    : Task.FromResult(Fail("item-not-found"));
            }

            // §14.2: a rid past the window of simultaneous requests ends the session.
            if (request.Rid > _lastRid + _grant.Requests)
            {
                return Task.FromResult(Fail("item-not-found"));
            }

            if (_waiting.TryGetValue(request.Rid, out var queued))
            {
                return queued.Response.Task;
            }

            if (IsOverlapping(request))
            {
                return Task.FromResult(Fail("policy-violation"));
            }

            _pauseSeconds = null;
            _inactivity.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            exchange = new Exchange(this, request);
            _waiting.Add(request.Rid, exchange);
        }

        _ = ProcessAsync();
        return exchange.Response.Task;
    }

    /// <summary>
    /// XEP-0124 §11: more simultaneous requests than 'requests' (one more is allowed to pause or terminate).
    /// </summary>
    private bool IsOverlapping(BoshRequest request) =>
        _waiting.Count + _held.Count >= _grant.Requests + (request.IsTerminate || request.Pause is not null ? 1 : 0);

    /// <summary>
    /// XEP-0124 §11-12, in rid order: an empty request that only forces an answer ('hold' already
    /// held, or a poll after an empty answer) sooner than 'polling' seconds after the previous one.
    /// </summary>
    private bool IsTooFrequent(BoshRequest request)
    {
        var previous = _lastRequestAt;
        _lastRequestAt = _time.GetTimestamp();
        return request.IsEmpty && request.Rid != _creationRid && _held.Count >= _grant.Hold
            && (_grant.Hold > 0 || _lastResponseEmpty)
            && _time.GetElapsedTime(previous, _lastRequestAt) < TimeSpan.FromSeconds(_grant.PollingSeconds);
    }

    /// <summary>Forwards the requests that are next in rid order (§14.2), one writer at a time.</summary>
    private async Task ProcessAsync()
    {
        await _inputGate.WaitAsync().ConfigureAwait(false);
        try
        {
            while (true)
            {
                Exchange? next;
                lock (_lock)
                {
                    if (_terminal is not null || !_waiting.Remove(_lastRid + 1, out next))
                    {
                        return;
                    }

                    _lastRid = next.Rid;
                    if (IsTooFrequent(next.Request))
                    {
                        next.Response.TrySetResult(Fail("policy-violation"));
                        return;
                    }

                    Hold(next);
                }

                if (!await ForwardAsync(next.Request).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            _inputGate.Release();
        }
    }

    /// <summary>The request waits for something to carry, at most 'wait' seconds (§8); a pause answers everything at once (§10).</summary>
    private void Hold(Exchange exchange)
    {
        _held.Add(exchange);
        if (exchange.Request.Pause is { } pause)
        {
            _pauseSeconds = Math.Min(pause, _grant.MaxPauseSeconds);
            while (_held.Count > 1)
            {
                Answer(_held[0]);
            }

            // §10: the response to the pause request carries no payloads.
            Answer(exchange, payloads: false);
            return;
        }

        exchange.Wait = _time.CreateTimer(static state => ((Exchange)state!).Session.OnWaitElapsed((Exchange)state), exchange, TimeSpan.FromSeconds(_grant.WaitSeconds), Timeout.InfiniteTimeSpan);
        Pump();
    }

    /// <summary>Writes the request's payloads to the stream: after a synthesized &lt;open/&gt; at creation and restart, before a &lt;close/&gt; on terminate.</summary>
    private async Task<bool> ForwardAsync(BoshRequest request)
    {
        var writer = InputPipe.Writer;
        if (request.Rid == _creationRid || request.IsRestart)
        {
            // XEP-0206 §3 and §5: the body's 'to', 'xml:lang' and 'xmpp:version' are the stream header's.
            var open = new Element("open", Namespaces.Framing).SetAttribute("to", _grant.Domain);
            if (request.Rid == _creationRid)
            {
                open.SetAttribute("version", request.Body.GetAttribute("version", Namespaces.XBosh));
                open.SetAttribute("lang", request.Body.Lang, Namespaces.Xml);
                _openVersion = open.GetAttribute("version");
                _openLang = request.Body.Lang;
            }
            else
            {
                open.SetAttribute("version", _openVersion).SetAttribute("lang", _openLang, Namespaces.Xml);
            }

            WriteMessage(writer, open, contextNamespace: null);
        }

        foreach (var payload in request.Payloads)
        {
            // XEP-0206 §4: payloads are jabber:client; some clients leave them in the body's namespace,
            // which the stream then reads as its default, jabber:client.
            WriteMessage(writer, payload, Namespaces.HttpBind);
        }

        if (request.IsTerminate)
        {
            // XEP-0124 §13: the payloads go to the server first, then the stream ends.
            WriteMessage(writer, new Element("close", Namespaces.Framing), contextNamespace: null);
        }

        var flush = await writer.FlushAsync().ConfigureAwait(false);
        return !flush.IsCompleted;
    }

    private static void WriteMessage(PipeWriter writer, Element element, string? contextNamespace)
    {
        ElementWriter.Write(writer, element, contextNamespace);
        writer.GetSpan(1)[0] = WebSocketFraming.MessageEnd;
        writer.Advance(1);
    }

    private void OnWaitElapsed(Exchange exchange)
    {
        lock (_lock)
        {
            if (_held.Contains(exchange))
            {
                Answer(exchange);
            }
        }
    }

    /// <summary>§10: no request held for longer than 'inactivity' (or the pause): the client is gone.</summary>
    private void OnInactive()
    {
        lock (_lock)
        {
            if (_held.Count > 0 || _waiting.Count > 0 || _removed)
            {
                return;
            }

            _terminal ??= "";
            Remove();
        }

        ConnectionLog.BoshInactive(_logger, ConnectionId, _pauseSeconds ?? _grant.InactivitySeconds);
        _ = EndInputAsync();
    }

    public void StreamOpened(IEnumerable<XmlAttribute> attributes)
    {
        lock (_lock)
        {
            // XEP-0206 §3: the first stream's id is the creation response's 'authid'.
            foreach (var attribute in attributes)
            {
                if (attribute.Name == "id" && attribute.Namespace is null)
                {
                    _authId ??= attribute.Value;
                }
            }
        }
    }

    public void Element(Element element)
    {
        lock (_lock)
        {
            if (_removed)
            {
                return;
            }

            _pending ??= new ArrayBufferWriter<byte>(256);
            if (element.Namespace == Namespaces.Streams)
            {
                // Each payload declares the stream prefix itself (XEP-0206 §4: features and errors).
                _streamError |= element.Name == "error";
                ElementWriter.WritePrefixed(_pending, "stream", element, "", declare: true);
            }
            else
            {
                ElementWriter.Write(_pending, element);
            }

            if (_pending.WrittenCount > _grant.MaxPendingBytes && !_streamError && _fault is null)
            {
                // The client stopped collecting: the stream ends with policy-violation, raised by the framing.
                _fault = new StreamErrorException(StreamErrorCondition.PolicyViolation, "Too much waiting for this BOSH session (Http:Bosh:MaxPendingBytes)");
                InputPipe.Reader.CancelPendingRead();
                return;
            }

            Pump();
        }
    }

    public void StreamClosed()
    {
        // The session answers with type='terminate' once the connection has finished (RunAsync).
    }

    /// <summary>Answers what can be answered: the oldest requests past 'hold', one carrying what waits, all once terminating.</summary>
    private void Pump()
    {
        if (_connectionEnded || _terminal is not null)
        {
            while (_held.Count > 0)
            {
                Answer(_held[0]);
            }

            return;
        }

        // After a stream error only the terminate carries payloads: the error goes inside it (XEP-0206 §7).
        while (_held.Count > _grant.Hold)
        {
            Answer(_held[0], payloads: !_streamError);
        }

        // A terminate request is answered with type='terminate' once the stream has ended (§13).
        if (_pending is not null && _held.Count > 0 && !_streamError && !_held[0].Request.IsTerminate)
        {
            Answer(_held[0]);
        }
    }

    private void Answer(Exchange exchange, bool payloads = true)
    {
        _held.Remove(exchange);
        exchange.Wait?.Dispose();
        var payload = payloads ? _pending : null;
        if (payloads)
        {
            _pending = null;
        }

        var terminal = _connectionEnded || _terminal is not null ? _terminal ?? "" : null;
        var body = BoshResponses.Body(new BoshResponses.Content(
            Sid: exchange.Rid == _creationRid ? Sid : null,
            Grant: _grant,
            AuthId: _authId,
            Ack: _lastRid,
            Rid: exchange.Rid,
            Terminal: terminal,
            Payload: payload?.WrittenMemory ?? default));
        _lastResponseEmpty = payload is null;
        _sent.Enqueue((exchange.Rid, body));
        while (_sent.Count > _grant.Requests)
        {
            _sent.Dequeue();
        }

        exchange.Response.TrySetResult(body);
        if (_held.Count == 0 && _waiting.Count == 0 && !_connectionEnded && _terminal is null)
        {
            _inactivity.Change(TimeSpan.FromSeconds(_pauseSeconds ?? _grant.InactivitySeconds), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The response to a request after the session ended: the last payloads once with the terminate, then item-not-found.</summary>
    private byte[] Final()
    {
        if (_removed)
        {
            return BoshResponses.Terminate("item-not-found");
        }

        var payload = _pending;
        _pending = null;
        Remove();
        return BoshResponses.Body(new BoshResponses.Content(null, _grant, null, _lastRid, _lastRid, _terminal ?? "", payload?.WrittenMemory ?? default));
    }

    /// <summary>A terminal binding condition caused by the client (§17.2): every open request gets it, and the stream ends as a lost connection.</summary>
    private byte[] Fail(string condition)
    {
        _terminal = condition;
        foreach (var waiting in _waiting.Values)
        {
            _held.Add(waiting);
        }

        _waiting.Clear();
        _pending = null;
        Pump();
        Remove();
        _ = EndInputAsync();
        return BoshResponses.Terminate(condition);
    }

    private void Remove()
    {
        if (!_removed)
        {
            _removed = true;
            _inactivity.Dispose();
            _registry.Remove(this);
        }
    }

    /// <summary>The client is gone: the stream sees the end of its transport, as when a TCP client vanishes.</summary>
    private async Task EndInputAsync()
    {
        await _inputGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await InputPipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            _inputGate.Release();
        }
    }

    /// <summary>One request waiting for its response.</summary>
    private sealed class Exchange(BoshSession session, BoshRequest request)
    {
        public BoshSession Session => session;

        public BoshRequest Request => request;

        public long Rid => request.Rid;

        public TaskCompletionSource<byte[]> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ITimer? Wait { get; set; }
    }
}
