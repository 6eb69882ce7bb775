using System.Buffers;
using Parley.Server.Diagnostics;
using Parley.Server.Negotiation;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Connections;

/// <summary>The read direction: one loop, the only consumer of the input pipe and the XML reader.</summary>
internal sealed partial class XmppConnection
{
    /// <summary>Runs until the peer closes its stream (true) or the transport ends (false); stream errors are thrown.</summary>
    private async Task<bool> ReadLoopAsync()
    {
        var token = _context.ConnectionClosed;
        while (true)
        {
            var allowance = await ReadAllowanceAsync().ConfigureAwait(false);
            var result = await _input.ReadAsync().ConfigureAwait(false);
            var whole = result.Buffer;
            var buffer = Limit(whole, allowance);
            var sliced = buffer.Length < whole.Length;
            if (Volatile.Read(ref _terminate) is not null)
            {
                // Leave the pipe consistent for the close path, which reads on to await the peer's close.
                _input.AdvanceTo(whole.Start);
                ThrowIfTerminated();
            }

            if (_closeRequested)
            {
                _input.AdvanceTo(buffer.Start);
                return false;
            }

            var action = NegotiationAction.None;
            var peerClosed = false;
            try
            {
                while (!peerClosed && action is not (NegotiationAction.StartTls or NegotiationAction.CloseStream)
                    && _framing.TryRead(ref buffer, out var streamEvent))
                {
                    switch (streamEvent.Kind)
                    {
                        case XmlStreamEventKind.StreamOpened:
                            _peerHeader = _framing.ReadHeader(streamEvent.Element!);
                            // The one check of a stream header, for every role (RFC 6120 §4.7.5, §4.8.1).
                            _peerHeader.Check(_role.ContentNamespace, _role.HeaderCarriesVersion);
                            action = _role.OnStreamOpened(_peerHeader);
                            break;
                        case XmlStreamEventKind.Element:
                            if (!_role.IsEstablished && IsTlsStart(streamEvent.Element!) && !_framing.MayStartTls(whole.Slice(buffer.Start)))
                            {
                                // RFC 6120 §5.4.3.3: nothing sent in the clear after <starttls/> may be processed
                                // (the STARTTLS command-injection attack); refuse TLS and close (§5.4.2.2).
                                ConnectionLog.DataAfterStartTls(Logger, ConnectionId);
                                if (streamEvent.Element!.Name == "starttls")
                                {
                                    Send(new Element("failure", Namespaces.Tls));
                                }

                                action = NegotiationAction.CloseStream;
                                break;
                            }

                            action = await _role.OnElementAsync(streamEvent.Element!, token).ConfigureAwait(false);
                            break;
                        default:
                            peerClosed = true;
                            break;
                    }

                    ThrowIfTerminated();
                    if (action == NegotiationAction.RestartStream)
                    {
                        // RFC 6120 §6.4.6: after SASL success both sides start a new stream over the same transport.
                        _framing.Reset();
                        _headerSent = false;
                        _role.OnStreamRestarted();
                    }
                }
            }
            finally
            {
                Received(whole.Slice(0, buffer.Start).Length);
                // Bytes after <starttls/> are consumed here without being parsed: they are discarded. Bytes
                // past the read allowance are left unexamined, so the next read returns them at once.
                _input.AdvanceTo(action == NegotiationAction.StartTls ? whole.End : buffer.Start, sliced ? buffer.Start : whole.End);
            }

            if (peerClosed)
            {
                return true;
            }

            if (action == NegotiationAction.CloseStream)
            {
                return false;
            }

            if (action == NegotiationAction.StartTls)
            {
                await StartTlsAsync().ConfigureAwait(false);
                continue;
            }

            if (result.IsCompleted && !sliced)
            {
                if (!buffer.IsEmpty || _peerHeader is not null)
                {
                    ConnectionLog.Lost(Logger, ConnectionId, "end of input without </stream:stream>");
                }

                return false;
            }
        }
    }

    /// <summary>&lt;starttls/&gt; (receiving side) or &lt;proceed/&gt; (initiating side): the last element before the handshake.</summary>
    private static bool IsTlsStart(Element element) =>
        element.Namespace == Namespaces.Tls && element.Name is "starttls" or "proceed";

    /// <summary>
    /// RFC 6120 §5.4.3.3: &lt;proceed/&gt; is flushed, then the write loop pauses while the transport is
    /// swapped for TLS; the client then opens a new stream.
    /// </summary>
    private async Task StartTlsAsync()
    {
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_outbox.TryWrite(new Outgoing(OutgoingKind.Barrier, Paused: paused, Resume: resume.Task)))
        {
            throw new StreamErrorException(StreamErrorCondition.ResourceConstraint);
        }

        try
        {
            await paused.Task.WaitAsync(_abort.Token).ConfigureAwait(false);
            await UpgradeTransportAsync().ConfigureAwait(false);
        }
        finally
        {
            resume.TrySetResult();
        }
    }

    private async Task UpgradeTransportAsync()
    {
        try
        {
            var (tls, state) = await _role.AuthenticateTlsAsync(new DuplexPipeStream(_context.Transport), _directTls, _abort.Token)
                .ConfigureAwait(false);
            _tls = tls;
            _input = System.IO.Pipelines.PipeReader.Create(tls, new System.IO.Pipelines.StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: true));
            _output = System.IO.Pipelines.PipeWriter.Create(tls, new System.IO.Pipelines.StreamPipeWriterOptions(leaveOpen: true));
            _framing.Reset();
            _headerSent = false;
            _role.OnTlsEstablished(state);
            ConnectionLog.TlsEstablished(Logger, ConnectionId, tls.SslProtocol, tls.NegotiatedCipherSuite);
        }
        catch (Exception e) when (e is not OperationCanceledException || _terminate is null)
        {
            ConnectionLog.TlsFailed(Logger, ConnectionId, e);
            throw;
        }
    }
}
