using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Soak;

/// <summary>
/// One raw c2s connection over loopback: PLAIN without TLS (the server runs with
/// --allow-plaintext-auth), so the churn costs the server sockets, parsing and sessions rather
/// than handshakes. Ends cleanly, with a TCP reset, or mid-stanza, as real clients do.
/// </summary>
internal sealed class SoakConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly XmppStreamReader _reader = new();
    private readonly byte[] _buffer = new byte[8192];
    private readonly string _domain;
    private byte[] _rest = [];

    private SoakConnection(Socket socket, string domain)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _domain = domain;
    }

    public static async Task<SoakConnection> ConnectAsync(SoakSettings settings, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(settings.Host, settings.Port, cancellationToken);
            return new SoakConnection(socket, settings.Domain);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>XEP-0077 §3.1 in-band registration; an existing account (conflict) is fine.</summary>
    public async Task RegisterAsync(string user, string password, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        await SendAsync($"<iq type='set' id='reg'><query xmlns='jabber:iq:register'><username>{user}</username><password>{password}</password></query></iq>", cancellationToken);
        var reply = await ExpectAsync(cancellationToken);
        if (reply.GetAttribute("type") != "result" && reply.Child("error", Namespaces.Client)?.Child("conflict", Namespaces.Stanzas) is null)
        {
            throw new InvalidOperationException($"registration of {user} failed: {reply}");
        }
    }

    /// <summary>Header, PLAIN, restart, bind, initial presence (which also flushes the offline queue).</summary>
    public async Task<string> LoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        var initial = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
        await SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{initial}</auth>", cancellationToken);
        var outcome = await ExpectAsync(cancellationToken);
        if (!outcome.Is("success", Namespaces.Sasl))
        {
            throw new InvalidOperationException($"authentication as {user} failed: {outcome}");
        }

        _reader.Reset();
        await OpenAsync(cancellationToken);
        await SendAsync("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>", cancellationToken);
        var bound = await UntilIqAsync("bind", cancellationToken);
        await SendAsync("<presence/>", cancellationToken);
        return bound.Child("bind", Namespaces.Bind)?.ChildText("jid", Namespaces.Bind) ?? throw new InvalidOperationException($"bind failed: {bound}");
    }

    public Task SendAsync(string xml, CancellationToken cancellationToken) => _stream.WriteAsync(Encoding.UTF8.GetBytes(xml), cancellationToken).AsTask();

    /// <summary>A ping round-trip: everything sent before it has been handled (RFC 6120 §10.1 in-order processing).</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await SendAsync("<iq type='get' id='ping'><ping xmlns='urn:xmpp:ping'/></iq>", cancellationToken);
        await UntilIqAsync("ping", cancellationToken);
    }

    /// <summary>RFC 6120 §4.4: our closing tag, then the server's.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await SendAsync("</stream:stream>", cancellationToken);
        while (await NextAsync(cancellationToken) is { Kind: not XmlStreamEventKind.StreamClosed })
        {
        }
    }

    /// <summary>An abortive close: SO_LINGER 0 makes close(2) send RST instead of FIN.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        await SendAsync($"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='{_domain}' version='1.0'>", cancellationToken);
        if (await NextAsync(cancellationToken) is not { Kind: XmlStreamEventKind.StreamOpened })
        {
            throw new InvalidOperationException("no stream header");
        }

        var features = await ExpectAsync(cancellationToken);
        if (!features.Is("features", Namespaces.Streams))
        {
            throw new InvalidOperationException($"expected features, got {features}");
        }
    }

    /// <summary>Skips messages and presence others send us until the answer to our IQ.</summary>
    private async Task<Element> UntilIqAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var element = await ExpectAsync(cancellationToken);
            if (element.Name == "iq" && element.GetAttribute("id") == id)
            {
                return element.GetAttribute("type") == "result" ? element : throw new InvalidOperationException($"iq {id} failed: {element}");
            }
        }
    }

    private async Task<Element> ExpectAsync(CancellationToken cancellationToken) =>
        await NextAsync(cancellationToken) is { Kind: XmlStreamEventKind.Element, Element: { } element }
            ? element
            : throw new InvalidOperationException("the stream ended");

    private async Task<XmlStreamEvent?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_rest.Length > 0)
            {
                var sequence = new ReadOnlySequence<byte>(_rest);
                var found = _reader.TryRead(ref sequence, out var streamEvent);
                _rest = sequence.ToArray();
                if (found)
                {
                    return streamEvent;
                }
            }

            var read = await _stream.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _rest = [.. _rest, .. _buffer.AsSpan(0, read)];
        }
    }
}
