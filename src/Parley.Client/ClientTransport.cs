using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Authentication.ExtendedProtection;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Client;

/// <summary>
/// One TCP connection as XML stream events in and UTF-8 bytes out: a socket, optionally wrapped
/// in TLS (direct or after STARTTLS), read through a <see cref="PipeReader"/> feeding the
/// resumable <see cref="XmppStreamReader"/>, written through a <see cref="PipeWriter"/>.
/// </summary>
internal sealed class ClientTransport : IAsyncDisposable
{
    private static ReadOnlySpan<byte> StreamClose => "</stream:stream>"u8;

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly XmppStreamReader _xml;
    private SslStream? _tls;
    private PipeReader _input;
    private PipeWriter _output;

    private ClientTransport(Socket socket, XmlLimits limits)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _xml = new XmppStreamReader(limits);
        (_input, _output) = CreatePipes(_network);
    }

    public bool IsEncrypted => _tls is not null;

    public SslProtocols TlsProtocol => _tls?.SslProtocol ?? SslProtocols.None;

    public PipeReader Input => _input;

    public PipeWriter Output => _output;

    public XmppStreamReader Xml => _xml;

    public static async Task<ClientTransport> ConnectAsync(string host, int port, XmlLimits limits, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new ClientTransport(socket, limits);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts TLS over the connection: at once for direct TLS (XEP-0368), or after &lt;proceed/&gt;
    /// (RFC 6120 §5.4.3.3), when the XML stream starts anew over the encrypted channel.
    /// </summary>
    public async Task UpgradeToTlsAsync(SslClientAuthenticationOptions options, CancellationToken cancellationToken)
    {
        // RFC 6120 §5.4.3.3: the server sends nothing after <proceed/> until the handshake, so any
        // byte already buffered would be unprotected data injected before TLS.
        if (_input.TryRead(out var pending))
        {
            var injected = !pending.Buffer.IsEmpty;
            _input.AdvanceTo(pending.Buffer.Start);
            if (injected)
            {
                throw new XmppNegotiationException("The server sent data after <proceed/> before the TLS handshake.");
            }
        }

        await _input.CompleteAsync().ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
        _tls = new SslStream(_network, leaveInnerStreamOpen: false);
        await _tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        (_input, _output) = CreatePipes(_tls);
        _xml.Reset();
    }

    /// <summary>The tls-server-end-point channel binding data (RFC 5929 §4), or null without TLS.</summary>
    public byte[]? ServerEndPointBinding()
    {
        using var binding = _tls?.TransportContext?.GetChannelBinding(ChannelBindingKind.Endpoint);
        return binding is null ? null : TlsChannelBinding.ApplicationData(binding, TlsChannelBinding.ServerEndPointPrefix);
    }

    /// <summary>Opens a new stream (RFC 6120 §4.7): after connecting, after TLS and after SASL success.</summary>
    public async ValueTask OpenStreamAsync(string domain, string? from, CancellationToken cancellationToken)
    {
        _xml.Reset();
        List<XmlAttribute> attributes = [new("to", domain), new("version", "1.0"), new("lang", "en", Namespaces.Xml)];
        if (from is not null)
        {
            // RFC 6120 §4.7.1: include 'from' once the stream is protected.
            attributes.Add(new("from", from));
        }

        ElementWriter.WriteStreamHeader(_output, Namespaces.Client, attributes);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SendAsync(Element element, CancellationToken cancellationToken)
    {
        ElementWriter.Write(_output, element, Namespaces.Client);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void WriteStreamClose() => _output.Write(StreamClose);

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The connection is closed.");
        }
    }

    /// <summary>Reads the next event, one at a time (negotiation); leaves any later bytes buffered.</summary>
    public async ValueTask<XmlStreamEvent> ReadEventAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (_xml.TryRead(ref buffer, out var streamEvent))
            {
                _input.AdvanceTo(buffer.Start);
                return streamEvent;
            }

            _input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                throw new IOException("The server closed the connection during negotiation.");
            }
        }
    }

    /// <summary>Reads the next element of the stream, turning a stream error or an early close into an exception.</summary>
    public async ValueTask<Element> ReadElementAsync(CancellationToken cancellationToken)
    {
        var streamEvent = await ReadEventAsync(cancellationToken).ConfigureAwait(false);
        return streamEvent.Kind switch
        {
            XmlStreamEventKind.Element when streamEvent.Element!.Is("error", Namespaces.Streams) =>
                throw new StreamErrorException(StreamError.ConditionOf(streamEvent.Element), streamEvent.Element.ChildText("text", Namespaces.StreamErrors)),
            XmlStreamEventKind.Element => streamEvent.Element!,
            XmlStreamEventKind.StreamClosed => throw new IOException("The server closed the stream during negotiation."),
            _ => throw new XmppNegotiationException("Unexpected stream header."),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync().ConfigureAwait(false);
        try
        {
            // Completing flushes what is still buffered; on a connection the server dropped that fails.
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The stream has already ended (its reason is recorded); nothing more can be sent.
        }

        if (_tls is not null)
        {
            await _tls.DisposeAsync().ConfigureAwait(false);
        }

        await _network.DisposeAsync().ConfigureAwait(false);
    }

    private static (PipeReader, PipeWriter) CreatePipes(Stream stream) =>
    (
        // Zero-byte reads: an idle connection holds no receive buffer while it waits.
        PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: true)),
        PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true))
    );
}
