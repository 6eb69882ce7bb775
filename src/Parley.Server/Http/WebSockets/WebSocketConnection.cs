using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Parley.Server.Connections;
using Parley.Xmpp.Streams;

namespace Parley.Server.Http.WebSockets;

/// <summary>
/// An accepted WebSocket presented to <see cref="XmppConnection"/> as a connection: two pumps move
/// each text message into the input pipe followed by <see cref="WebSocketFraming.MessageEnd"/>, and
/// each chunk the connection writes up to that byte out as one text message (RFC 7395 §3.3.1: one
/// element per message). The pipes keep TCP's back-pressure: a connection that stops reading (its
/// read bucket) stops the pump, and WebSocket flow control pushes back on the sender.
/// </summary>
internal sealed class WebSocketConnection : HttpCarriedConnection
{
    /// <summary>How long the close handshake (our close frame, then the peer's) may take once the stream has ended.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private const int ReceiveChunk = 4096;

    private readonly HttpContext _http;
    private readonly WebSocket _socket;
    private readonly long _maxMessageBytes;
    private volatile StreamErrorException? _fault;

    /// <param name="maxMessageBytes">The largest message taken in (the stanza limit plus room for whitespace); a larger one is a policy violation.</param>
    public WebSocketConnection(HttpContext http, WebSocket socket, long maxMessageBytes, CancellationToken stopping)
        : base(http.TraceIdentifier, http.Connection, stopping)
    {
        _http = http;
        _socket = socket;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>What the transport refused (a binary or oversized message), for the framing to raise as a stream error.</summary>
    public StreamErrorException? Fault => _fault;

    public override void Abort(ConnectionAbortedException abortReason)
    {
        ClosedSource.Cancel();
        _http.Abort();
    }

    /// <summary>Runs the XMPP stream over the socket, then the WebSocket close handshake (RFC 6455 §7), bounded in time.</summary>
    public async Task RunAsync(Func<ConnectionContext, Task> stream, TimeProvider time)
    {
        var receiving = ReceiveAsync();
        var sending = SendAsync();
        try
        {
            await stream(this).ConfigureAwait(false);
        }
        finally
        {
            // Everything the stream wrote (its </close> included) goes out, then the close frame.
            await OutputPipe.Writer.CompleteAsync().ConfigureAwait(false);
            try
            {
                await sending.WaitAsync(CloseTimeout, time).ConfigureAwait(false);
                await receiving.WaitAsync(CloseTimeout, time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Abort(new ConnectionAbortedException("close handshake timed out"));
            }

            await ClosedSource.CancelAsync().ConfigureAwait(false);
            _socket.Dispose();
            ClosedSource.Dispose();
        }
    }

    private async Task ReceiveAsync()
    {
        var writer = InputPipe.Writer;
        long messageBytes = 0;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ReceiveChunk);
                var result = await _socket.ReceiveAsync(memory, ClosedSource.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                messageBytes += result.Count;
                if (Refuse(result.MessageType, memory.Span[..result.Count], messageBytes) is { } refusal)
                {
                    _fault = refusal;
                    return;
                }

                writer.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    writer.GetSpan(1)[0] = WebSocketFraming.MessageEnd;
                    writer.Advance(1);
                    messageBytes = 0;
                }

                var flush = await writer.FlushAsync(ClosedSource.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ConnectionAbortedException)
        {
            // The peer is gone, or sent what RFC 6455 forbids (text that is not UTF-8: close 1007, §8.1).
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>RFC 7395 §3.3.1: text messages of one element each; NUL is no XML character and ends messages here.</summary>
    private StreamErrorException? Refuse(WebSocketMessageType type, ReadOnlySpan<byte> received, long messageBytes)
    {
        if (type != WebSocketMessageType.Text)
        {
            return new StreamErrorException(StreamErrorCondition.UnsupportedEncoding, "RFC 7395: XMPP is carried in text messages");
        }

        if (messageBytes > _maxMessageBytes)
        {
            return new StreamErrorException(StreamErrorCondition.PolicyViolation, "message too large");
        }

        return received.Contains(WebSocketFraming.MessageEnd)
            ? new StreamErrorException(StreamErrorCondition.NotWellFormed, "control character U+0000 is not an XML character")
            : null;
    }

    private async Task SendAsync()
    {
        var reader = OutputPipe.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (buffer.PositionOf(WebSocketFraming.MessageEnd) is { } end)
                {
                    await SendMessageAsync(buffer.Slice(0, end)).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ClosedSource.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ConnectionAbortedException or ObjectDisposedException)
        {
            // The peer is gone: what was queued cannot be delivered.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask SendMessageAsync(ReadOnlySequence<byte> message)
    {
        if (message.IsSingleSegment)
        {
            await _socket.SendAsync(message.First, WebSocketMessageType.Text, endOfMessage: true, ClosedSource.Token).ConfigureAwait(false);
            return;
        }

        var position = message.Start;
        message.TryGet(ref position, out var segment);
        while (message.TryGet(ref position, out var next))
        {
            await _socket.SendAsync(segment, WebSocketMessageType.Text, endOfMessage: false, ClosedSource.Token).ConfigureAwait(false);
            segment = next;
        }

        await _socket.SendAsync(segment, WebSocketMessageType.Text, endOfMessage: true, ClosedSource.Token).ConfigureAwait(false);
    }
}
