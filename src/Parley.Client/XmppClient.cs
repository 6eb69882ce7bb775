using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Threading.Channels;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Client;

/// <summary>
/// An XMPP client session (RFC 6120): connect, negotiate TLS, SASL and a resource, then send and
/// receive stanzas until the stream closes.
/// </summary>
/// <remarks>
/// Receiving model: one read loop parses the stream; IQ results and errors answer
/// <see cref="SendIqAsync"/> directly, every other stanza goes into a bounded queue that the
/// application drains with <see cref="ReadStanzaAsync"/> or <see cref="ReadAllStanzasAsync"/>.
/// When the queue is full the read loop waits, so an application that stops reading applies
/// back-pressure to the server instead of growing memory.
/// Sending: <see cref="SendAsync"/> queues the element for one write loop that serializes
/// everything queued and flushes once per batch. An element must not be changed after it is queued.
/// Ending: <see cref="Completion"/> completes when the stream is over; it faults with a
/// <see cref="StreamErrorException"/> when the server ended the stream with an error, or an
/// <see cref="IOException"/> when the connection broke.
/// </remarks>
public sealed class XmppClient : IAsyncDisposable
{
    private const int StateNew = 0;
    private const int StateConnecting = 1;
    private const int StateConnected = 2;
    private const int StateClosing = 3;
    private const int StateClosed = 4;

    private readonly XmppClientOptions _options;
    private readonly PendingIqs _iqs = new();
    private readonly Channel<Element> _received;
    private readonly Channel<Element> _outbox;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClientTransport? _transport;
    private Task _run = Task.CompletedTask;
    private int _state;

    public XmppClient(XmppClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReceiveQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SendQueueCapacity, 1);
        _options = options;
        _received = Channel.CreateBounded<Element>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _outbox = Channel.CreateBounded<Element>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public XmppClientOptions Options => _options;

    /// <summary>The full JID the server bound, once connected.</summary>
    public Jid? Jid { get; private set; }

    /// <summary>The SASL mechanism that authenticated this session, once connected.</summary>
    public string? SaslMechanism { get; private set; }

    /// <summary>The TLS protocol of the stream, or <see cref="SslProtocols.None"/> in the clear.</summary>
    public SslProtocols TlsProtocol { get; private set; }

    public bool IsConnected => Volatile.Read(ref _state) == StateConnected;

    /// <summary>
    /// Completes when the stream is over; faults with the reason when it did not end cleanly: a
    /// <see cref="StreamErrorException"/>, an <see cref="IOException"/>, or a
    /// <see cref="TimeoutException"/> when the server did not answer our closing tag in time.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// Connects, negotiates the stream (TLS, SASL, resource binding, session when required) and
    /// returns the bound full JID. Throws <see cref="XmppAuthenticationException"/> when the
    /// credentials are refused, <see cref="XmppNegotiationException"/> when the server cannot
    /// satisfy the options, <see cref="StreamErrorException"/> on a stream error,
    /// <see cref="AuthenticationException"/> when the server certificate is not accepted, and
    /// <see cref="TimeoutException"/> after <see cref="XmppClientOptions.ConnectTimeout"/>.
    /// </summary>
    public async Task<Jid> ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, StateConnecting, StateNew) != StateNew)
        {
            throw new InvalidOperationException("ConnectAsync may be called once per client.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            var host = _options.Host ?? _options.Jid.Domain;
            var port = _options.Port ?? (_options.DirectTls ? 5223 : 5222);
            _transport = await ClientTransport.ConnectAsync(host, port, _options.XmlLimits, timeout.Token).ConfigureAwait(false);
            var negotiator = new ClientNegotiator(_transport, _options);
            Jid = await negotiator.NegotiateAsync(timeout.Token).ConfigureAwait(false);
            SaslMechanism = negotiator.Mechanism;
            TlsProtocol = _transport.TlsProtocol;
        }
        catch (Exception ex)
        {
            var reason = ex is OperationCanceledException && !cancellationToken.IsCancellationRequested
                ? new TimeoutException($"Connecting did not finish within {_options.ConnectTimeout}.", ex)
                : ex;
            Volatile.Write(ref _state, StateClosed);
            if (_transport is not null)
            {
                await _transport.DisposeAsync().ConfigureAwait(false);
            }

            Finish(reason);
            if (reason == ex)
            {
                throw;
            }

            throw reason;
        }

        Volatile.Write(ref _state, StateConnected);
        _run = RunAsync(_transport);
        return Jid;
    }

    /// <summary>
    /// Queues an element for sending: a stanza in <see cref="Namespaces.Client"/> (written without
    /// a redundant xmlns) or any other top-level element in its own namespace. Completes when
    /// queued; waits while the send queue is full.
    /// </summary>
    public async ValueTask SendAsync(Element element, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Namespace.Length == 0)
        {
            // Written as a child of the stream it would carry xmlns='' and not be a stanza at all.
            throw new ArgumentException($"<{element.Name}/> has no namespace; stanzas belong in {Namespaces.Client}.", nameof(element));
        }

        if (Volatile.Read(ref _state) < StateConnected)
        {
            throw new InvalidOperationException("Not connected.");
        }

        try
        {
            await _outbox.Writer.WriteAsync(element, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new InvalidOperationException("The stream is closed.", _completion.Task.Exception?.InnerException ?? ex);
        }
    }

    /// <summary>
    /// Sends an IQ get or set and returns the server's answer: the type='result' or type='error'
    /// IQ with the same id (a random one is assigned when missing) from the entity it was sent to
    /// (RFC 6120 §8.2.3; without 'to', from the client's server for its account). Throws <see cref="TimeoutException"/>
    /// after <see cref="XmppClientOptions.IqTimeout"/>, or the stream's end reason if it closes first.
    /// </summary>
    public async Task<Element> SendIqAsync(Element iq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(iq);
        if (!iq.Is("iq", Namespaces.Client))
        {
            throw new ArgumentException("Expected an <iq/> in jabber:client.", nameof(iq));
        }

        var id = iq.GetAttribute("id");
        if (id is null)
        {
            id = PendingIqs.NextId();
            iq.SetAttribute("id", id);
        }

        var answer = _iqs.Register(id, iq.GetAttribute("to"), Jid);
        try
        {
            await SendAsync(iq, cancellationToken).ConfigureAwait(false);
            return await answer.Task.WaitAsync(_options.IqTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _iqs.Forget(id);
        }
    }

    /// <summary>
    /// The next received stanza (or other top-level element), or null once the stream has closed
    /// cleanly. Throws the stream's end reason (a <see cref="StreamErrorException"/> carrying the
    /// condition, or an <see cref="IOException"/>) after the queued stanzas have been read.
    /// </summary>
    public async ValueTask<Element?> ReadStanzaAsync(CancellationToken cancellationToken = default)
    {
        var reader = _received.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.TryRead(out var element))
            {
                return element;
            }
        }

        return null;
    }

    /// <summary>Every received stanza until the stream closes; see <see cref="ReadStanzaAsync"/>.</summary>
    public async IAsyncEnumerable<Element> ReadAllStanzasAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadStanzaAsync(cancellationToken).ConfigureAwait(false) is { } element)
        {
            yield return element;
        }
    }

    /// <summary>
    /// Closes the stream (RFC 6120 §4.4): sends what is queued and &lt;/stream:stream&gt;, waits up
    /// to <see cref="XmppClientOptions.CloseTimeout"/> for the server's closing tag, then closes
    /// the connection. Safe to call more than once and after the server closed first.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, StateClosed, StateNew) == StateNew)
        {
            // Never connected: nothing to close, but Completion must not stay pending.
            Finish(null);
            return;
        }

        Interlocked.CompareExchange(ref _state, StateClosing, StateConnected);
        _outbox.Writer.TryComplete();
        await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            _shutdown.Dispose();
        }
    }

    /// <summary>
    /// Owns the connected stream: runs the read and write loops, and when either ends, completes
    /// the closing handshake in the other direction (bounded), then releases the connection.
    /// </summary>
    private async Task RunAsync(ClientTransport transport)
    {
        var reading = ReadLoopAsync(transport);
        var writing = WriteLoopAsync(transport);
        Exception? reason;
        if (await Task.WhenAny(reading, writing).ConfigureAwait(false) == reading)
        {
            // The server ended its stream (cleanly, with a stream error, or by dropping the
            // connection). RFC 6120 §4.4: answer with our own closing tag before closing TCP.
            reason = await reading.ConfigureAwait(false);
            Interlocked.CompareExchange(ref _state, StateClosing, StateConnected);
            _outbox.Writer.TryComplete();
            await EndsInTimeAsync(writing).ConfigureAwait(false);
        }
        else
        {
            // We closed (or could not write). RFC 6120 §4.4: wait for the server's closing tag,
            // but not forever.
            reason = await writing.ConfigureAwait(false);
            _outbox.Writer.TryComplete();
            if (reason is null)
            {
                reason = await EndsInTimeAsync(reading).ConfigureAwait(false)
                    ? await reading.ConfigureAwait(false) as StreamErrorException
                    : new TimeoutException($"The server did not close its stream within {_options.CloseTimeout}.");
            }
        }

        Volatile.Write(ref _state, StateClosed);
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(reading, writing).ConfigureAwait(false);
        await transport.DisposeAsync().ConfigureAwait(false);
        Finish(reason);
    }

    /// <summary>Whether a loop (which never throws) ends within <see cref="XmppClientOptions.CloseTimeout"/>.</summary>
    private async Task<bool> EndsInTimeAsync(Task loop)
    {
        try
        {
            await loop.WaitAsync(_options.CloseTimeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Reads until the server's stream ends; returns null for a clean close, otherwise why it ended. Never throws.</summary>
    private async Task<Exception?> ReadLoopAsync(ClientTransport transport)
    {
        var input = transport.Input;
        var xml = transport.Xml;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_shutdown.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (xml.TryRead(ref buffer, out var streamEvent))
                {
                    if (streamEvent.Kind == XmlStreamEventKind.StreamClosed)
                    {
                        input.AdvanceTo(buffer.Start);
                        return null;
                    }

                    if (streamEvent.Kind != XmlStreamEventKind.Element)
                    {
                        throw new StreamErrorException(StreamErrorCondition.InvalidXml, "A second stream header arrived.");
                    }

                    if (streamEvent.Element!.Is("error", Namespaces.Streams))
                    {
                        // RFC 6120 §4.9: a stream error ends the stream; it is not ours to answer.
                        return new StreamErrorException(
                            StreamError.ConditionOf(streamEvent.Element),
                            streamEvent.Element.ChildText("text", Namespaces.StreamErrors));
                    }

                    await DispatchAsync(streamEvent.Element).ConfigureAwait(false);
                }

                // TryRead returned false: everything left has been taken into the reader's state.
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return new IOException("The server closed the connection without closing the stream.");
                }
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            return null;
        }
        catch (StreamErrorException ex)
        {
            // The server's XML broke a rule: tell it why (RFC 6120 §4.9.1.1) before closing.
            _outbox.Writer.TryWrite(StreamError.Create(ex.Condition));
            return ex;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private ValueTask DispatchAsync(Element element)
    {
        if (element.Is("iq", Namespaces.Client)
            && element.GetAttribute("type") is "result" or "error"
            && _iqs.TryComplete(element))
        {
            return ValueTask.CompletedTask;
        }

        if (IsPing(element))
        {
            // XEP-0199 §4.2 / RFC 6120 §8.2.3: a ping is answered at once, whatever the application
            // is doing, so a quiet session survives the server's idle probe.
            var pong = new Element("iq", Namespaces.Client).SetAttribute("type", "result").SetAttribute("id", element.GetAttribute("id"));
            if (element.GetAttribute("from") is { } from)
            {
                pong.SetAttribute("to", from);
            }

            _outbox.Writer.TryWrite(pong);
            return ValueTask.CompletedTask;
        }

        return _received.Writer.WriteAsync(element, _shutdown.Token);
    }

    private static bool IsPing(Element element) =>
        element.Is("iq", Namespaces.Client)
        && element.GetAttribute("type") == "get"
        && element.GetAttribute("id") is not null
        && element.Children().Take(2).ToList() is [var child]
        && child.Is("ping", Namespaces.Ping);

    /// <summary>Drains the outbox, one flush per batch; after the outbox completes, writes the closing tag. Never throws.</summary>
    private async Task<Exception?> WriteLoopAsync(ClientTransport transport)
    {
        var reader = _outbox.Reader;
        var output = transport.Output;
        try
        {
            while (await reader.WaitToReadAsync(_shutdown.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var element))
                {
                    ElementWriter.Write(output, element, Namespaces.Client);
                }

                await transport.FlushAsync(_shutdown.Token).ConfigureAwait(false);
            }

            transport.WriteStreamClose();
            await transport.FlushAsync(_shutdown.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private void Finish(Exception? reason)
    {
        _iqs.FailAll(reason ?? new InvalidOperationException("The stream is closed."));
        _outbox.Writer.TryComplete();
        _received.Writer.TryComplete(reason);
        if (reason is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(reason);
        }
    }
}
