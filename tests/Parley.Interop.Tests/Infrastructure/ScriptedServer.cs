using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// A one-connection loopback peer whose every byte the test writes, for driving
/// <see cref="Parley.Client.XmppClient"/> through paths a correct server rarely takes (stream
/// errors, a server that closes first or never answers). It parses what the client sends with
/// the same <see cref="XmppStreamReader"/> the server uses.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TcpListener _listener;
    private readonly XmppStreamReader _xml = new();
    private Socket? _socket;
    private NetworkStream? _stream;
    private PipeReader? _input;

    public ScriptedServer()
        : this(new IPEndPoint(IPAddress.Loopback, 0))
    {
    }

    /// <summary>Listens on a given address and port (a server other software was told about).</summary>
    public ScriptedServer(IPEndPoint endPoint)
    {
        _listener = new TcpListener(endPoint);
        _listener.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The default namespace the peer's stream header declared (jabber:client, jabber:server...).</summary>
    public string? StreamNamespace => _xml.StreamNamespace;

    public async Task AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        _socket = await _listener.AcceptSocketAsync(timeout.Token);
        _stream = new NetworkStream(_socket, ownsSocket: true);
        _input = PipeReader.Create(_stream);
    }

    public async Task<XmlStreamEvent> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var result = await _input!.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            if (_xml.TryRead(ref buffer, out var streamEvent))
            {
                _input.AdvanceTo(buffer.Start);
                return streamEvent;
            }

            _input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("The client closed the connection.");
            }
        }
    }

    public async Task<Element> ReadElementAsync()
    {
        var streamEvent = await ReadAsync();
        Assert.Equal(XmlStreamEventKind.Element, streamEvent.Kind);
        return streamEvent.Element!;
    }

    public async Task WriteAsync(string xml)
    {
        await _stream!.WriteAsync(Encoding.UTF8.GetBytes(xml));
        await _stream.FlushAsync();
    }

    /// <summary>Answers a new stream from the client with our header and the given features.</summary>
    public async Task OpenStreamAsync(string features)
    {
        // Each new stream (first, or a restart after SASL) starts with a fresh header.
        _xml.Reset();
        var opened = await ReadAsync();
        Assert.Equal(XmlStreamEventKind.StreamOpened, opened.Kind);
        await WriteAsync(
            $"<?xml version='1.0'?><stream:stream xmlns='{Namespaces.Client}' xmlns:stream='{Namespaces.Streams}' "
            + $"from='localhost' id='s1' version='1.0'><stream:features>{features}</stream:features>");
    }

    /// <summary>The usual plaintext preamble: PLAIN succeeds, the stream restarts, binding returns <paramref name="fullJid"/>.</summary>
    public async Task LogInAsync(string fullJid)
    {
        await AcceptAsync();
        await OpenStreamAsync($"<mechanisms xmlns='{Namespaces.Sasl}'><mechanism>PLAIN</mechanism></mechanisms>");
        var auth = await ReadElementAsync();
        Assert.Equal("PLAIN", auth.GetAttribute("mechanism"));
        await WriteAsync($"<success xmlns='{Namespaces.Sasl}'/>");
        await OpenStreamAsync($"<bind xmlns='{Namespaces.Bind}'/>");
        var bind = await ReadElementAsync();
        await WriteAsync($"<iq type='result' id='{bind.GetAttribute("id")}'><bind xmlns='{Namespaces.Bind}'><jid>{fullJid}</jid></bind></iq>");
    }

    /// <summary>Expects the client's closing tag (after any stanzas) and answers it (RFC 6120 §4.4).</summary>
    public async Task AnswerCloseAsync()
    {
        while ((await ReadAsync()).Kind != XmlStreamEventKind.StreamClosed)
        {
        }

        await WriteAsync("</stream:stream>");
    }

    public async ValueTask DisposeAsync()
    {
        if (_input is not null)
        {
            await _input.CompleteAsync();
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _listener.Stop();
        _listener.Dispose();
    }
}
