using System.Buffers;
using Parley.Server.Diagnostics;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>The write direction: one loop owns the output; the close path takes it over once the loop ended.</summary>
internal sealed partial class XmppConnection
{
    private static readonly byte[] StreamClose = "</stream:stream>"u8.ToArray();

    private async Task WriteLoopAsync()
    {
        var reader = _outbox;
        var token = _writeAbort.Token;
        try
        {
            // No token here: completing the outbox (CloseAsync) wakes this wait, and a token would keep a
            // cancellation registration alive for every idle connection. The token ends a blocked flush.
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (!token.IsCancellationRequested && reader.TryRead(out var item))
                {
                    switch (item.Kind)
                    {
                        case OutgoingKind.Header:
                            ElementWriter.WriteStreamHeader(_output, _role.ContentNamespace, item.Header!, _role.HeaderDeclarations);
                            break;
                        case OutgoingKind.Element:
                            WriteElement(item.Element!);
                            break;
                        default:
                            await _output.FlushAsync(token).ConfigureAwait(false);
                            item.Paused!.TrySetResult();
                            await item.Resume!.WaitAsync(token).ConfigureAwait(false);
                            break;
                    }
                }

                // One flush per batch: everything queued while the last flush ran goes out together.
                var flush = await _output.FlushAsync(token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            // The close path decides what else can still be written.
        }
    }

    /// <summary>
    /// The one choke point that ends a stream: drain what was queued, write the stream error (after a
    /// response header if none was sent, RFC 6120 §4.9.1.1) and &lt;/stream:stream&gt;, then wait a
    /// bounded time for the peer's close (§4.4).
    /// </summary>
    private async Task CloseAsync(Task? writeLoop, StreamErrorException? error, bool peerClosed)
    {
        // From here on, stanzas routed to this connection are refused (TrySend is false), not an overflow.
        _closing = true;
        _outbox.TryComplete();
        if (writeLoop is not null)
        {
            if (_outboxOverflowed)
            {
                await _writeAbort.CancelAsync().ConfigureAwait(false);
            }

            try
            {
                await writeLoop.WaitAsync(CloseTimeout, _server.Heartbeat.Time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await _writeAbort.CancelAsync().ConfigureAwait(false);
                _context.Abort();
                return;
            }
        }

        if (writeLoop is null && error is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseTimeout, _server.Heartbeat.Time);
        try
        {
            if (error is not null)
            {
                ConnectionLog.StreamErrorSent(Logger, ConnectionId, error.Condition, error.Text);
                if (!_headerSent)
                {
                    ElementWriter.WriteStreamHeader(_output, _role.ContentNamespace, _role.ErrorHeader(_clientHeader), _role.HeaderDeclarations);
                }

                WriteElement(StreamError.Create(error.Condition, error.Text));
            }

            _output.Write(StreamClose);
            await _output.FlushAsync(timeout.Token).ConfigureAwait(false);
            if (!peerClosed)
            {
                await AwaitPeerCloseAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            // The peer is gone or too slow to take our close: nothing more to say.
        }
        finally
        {
            if (_tls is not null)
            {
                await _tls.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Writes an element in the stream's default namespace context. Stanzas are held in jabber:client
    /// inside the server, so on a jabber:server stream they are written without a namespace
    /// declaration and take the stream's (RFC 6120 §4.8.3). Elements of a namespace the header
    /// declared a prefix for are written with that prefix: the streams namespace as 'stream'
    /// (RFC 6120 §4.8.3; clients that match on prefixed names, as several do, expect
    /// &lt;stream:features/&gt;), and on server streams the dialback namespace as 'db', which
    /// XEP-0220 §2 requires ("MUST be prefixed … as advertised on the stream header") and ejabberd
    /// enforces by ignoring unprefixed dialback elements.
    /// </summary>
    private void WriteElement(Element element)
    {
        if (element.Namespace == Namespaces.Streams)
        {
            ElementWriter.WritePrefixed(_output, "stream", element, Namespaces.Client);
            return;
        }

        // Indexed: a foreach over the IReadOnlyList would box its enumerator for every stanza written.
        var declarations = _role.HeaderDeclarations;
        for (var i = 0; i < declarations.Count; i++)
        {
            if (declarations[i].Value == element.Namespace)
            {
                ElementWriter.WritePrefixed(_output, declarations[i].Key, element, Namespaces.Client);
                return;
            }
        }

        ElementWriter.Write(_output, element, Namespaces.Client);
    }

    /// <summary>Reads (and ignores) input until the peer's &lt;/stream:stream&gt; or the end of the transport.</summary>
    private async Task AwaitPeerCloseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            var found = reader.TryReadTo(out ReadOnlySequence<byte> _, StreamClose);
            // Keep only a possible partial close tag at the end, so memory stays bounded while waiting.
            var keep = found ? 0 : Math.Min(buffer.Length, StreamClose.Length - 1);
            _input.AdvanceTo(buffer.GetPosition(buffer.Length - keep), buffer.End);
            if (found || result.IsCompleted)
            {
                return;
            }
        }
    }
}
