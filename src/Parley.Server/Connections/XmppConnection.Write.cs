using System.Buffers;
using Parley.Server.Diagnostics;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>The write direction: one loop owns the output; the close path takes it over once the loop ended.</summary>
internal sealed partial class XmppConnection
{
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
                            _framing.WriteOpen(_output, _role.ContentNamespace, item.Header!, _role.HeaderDeclarations);
                            break;
                        case OutgoingKind.Element:
                            _framing.WriteElement(_output, item.Element!);
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
                    _framing.WriteOpen(_output, _role.ContentNamespace, _role.ErrorHeader(_peerHeader), _role.HeaderDeclarations);
                }

                _framing.WriteElement(_output, StreamError.Create(error.Condition, error.Text, error.Application));
            }

            _framing.WriteClose(_output);
            await _output.FlushAsync(timeout.Token).ConfigureAwait(false);
            if (!peerClosed)
            {
                await AwaitPeerCloseAsync(timeout.Token).ConfigureAwait(false);
            }

            if (_tls is not null)
            {
                // RFC 6120 §4.4 / RFC 8446 §6.1: close TLS with close_notify before the TCP close, else
                // the peer's TLS library reports a truncation ("unexpected eof") instead of a clean end.
                await _tls.ShutdownAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
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

    /// <summary>Reads (and ignores) input until the peer's end of stream or the end of the transport.</summary>
    private async Task AwaitPeerCloseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var found = _framing.FindClose(result.Buffer, out var consumed);
            _input.AdvanceTo(consumed, result.Buffer.End);
            if (found || result.IsCompleted)
            {
                return;
            }
        }
    }
}
