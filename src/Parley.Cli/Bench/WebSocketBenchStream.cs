using System.Net.WebSockets;
using System.Text;

namespace Parley.Cli.Bench;

/// <summary>
/// The generator's byte stream carried over RFC 7395 WebSocket (--websocket), so every load runs
/// unchanged over either transport: each top-level element written goes out as one text message
/// (§3.3.1), the stream header as &lt;open/&gt; and &lt;/stream:stream&gt; as &lt;close/&gt; (§3.3.2,
/// §3.6); received messages are read back to back. Written bytes are the generator's own stanzas
/// (no comments or CDATA), so tracking tag depth is enough to find where each element ends.
/// </summary>
internal sealed class WebSocketBenchStream(ClientWebSocket socket, string domain) : Stream
{
    private readonly byte[] _open = Encoding.UTF8.GetBytes($"<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='{domain}' version='1.0'/>");
    private static readonly byte[] CloseMessage = "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"u8.ToArray();

    public static async Task<WebSocketBenchStream> ConnectAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("xmpp");
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{settings.Host}:{settings.WebSocketPort}/xmpp-websocket"), cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            // Counted like a refused TCP connection by the loads.
            socket.Dispose();
            throw new IOException("WebSocket handshake failed: " + e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new WebSocketBenchStream(socket, settings.Domain);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await Translate(socket.ReceiveAsync(buffer, cancellationToken)).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return 0;
            }

            if (result.Count > 0)
            {
                return result.Count;
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var start = 0;
        var depth = 0;
        var bytes = buffer.Span.ToArray();
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != '<')
            {
                continue;
            }

            if (bytes.AsSpan(i).StartsWith("<?xml"u8))
            {
                i = Array.IndexOf(bytes, (byte)'>', i);
                start = i + 1;
                continue;
            }

            if (depth == 0 && bytes.AsSpan(i).StartsWith("<stream:stream"u8))
            {
                await SendAsync(_open, cancellationToken).ConfigureAwait(false);
                start = Array.IndexOf(bytes, (byte)'>', i) + 1;
                i = start - 1;
                continue;
            }

            if (depth == 0 && bytes.AsSpan(i).StartsWith("</stream:stream>"u8))
            {
                await SendAsync(CloseMessage, cancellationToken).ConfigureAwait(false);
                start = i + "</stream:stream>".Length;
                i = start - 1;
                continue;
            }

            var end = Array.IndexOf(bytes, (byte)'>', i);
            var closing = bytes[i + 1] == '/';
            var empty = bytes[end - 1] == '/';
            depth += closing ? -1 : empty ? 0 : 1;
            i = end;
            if (depth == 0)
            {
                await SendAsync(bytes.AsMemory(start, end + 1 - start), cancellationToken).ConfigureAwait(false);
                start = end + 1;
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            socket.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            throw new IOException(e.Message, e);
        }
    }

    /// <summary>A WebSocket aborted (by a cancelled receive, or the server) fails like a TCP stream: with an IOException, which the loads count.</summary>
    private static async ValueTask<ValueWebSocketReceiveResult> Translate(ValueTask<ValueWebSocketReceiveResult> receive)
    {
        try
        {
            return await receive.ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            throw new IOException(e.Message, e);
        }
    }
}
