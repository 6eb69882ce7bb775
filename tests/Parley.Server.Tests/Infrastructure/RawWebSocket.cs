using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// A raw RFC 7395 client for conversation tests: exact text messages go out, each message that
/// comes back is parsed as one element and asserted. Every wait is on data with a timeout.
/// </summary>
internal sealed class RawWebSocket : IAsyncDisposable
{
    public const string Open = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly ClientWebSocket _socket;

    private RawWebSocket(ClientWebSocket socket) => _socket = socket;

    public WebSocket Socket => _socket;

    public static async Task<RawWebSocket> ConnectAsync(TestServer server, string? subProtocol = "xmpp", string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(new Uri($"ws://{server.Http}/xmpp-websocket"), timeout.Token);
        return new RawWebSocket(socket);
    }

    /// <summary>Tries a handshake that should be refused; returns the HTTP status the server answered.</summary>
    public static async Task<int> RefusedStatusAsync(TestServer server, string? subProtocol, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(Timeout);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://{server.Http}/xmpp-websocket"), timeout.Token));
        return (int)socket.HttpStatusCode;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _socket.SendAsync(bytes, type, endOfMessage: true, timeout.Token);
    }

    /// <summary>The next text message, or null once the server closed the WebSocket.</summary>
    public async Task<string?> NextMessageAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var message = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await _socket.ReceiveAsync(message.GetMemory(4096), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            message.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.WrittenSpan);
            }
        }
    }

    /// <summary>The next message, which must be exactly one element (RFC 7395 §3.3.1).</summary>
    public async Task<Element> ExpectAsync()
    {
        var text = await NextMessageAsync();
        Assert.True(text is not null, "The server closed the WebSocket");
        return Parse(text!);
    }

    public async Task<Element> ExpectAsync(string name, string ns)
    {
        var element = await ExpectAsync();
        Assert.True(element.Is(name, ns), $"Expected {{{ns}}}{name}, got {element}");
        return element;
    }

    /// <summary>Sends &lt;open/&gt;, expects the server's and returns its features.</summary>
    public async Task<Element> OpenAsync(string open = Open)
    {
        await SendAsync(open);
        var response = await ExpectAsync("open", Namespaces.Framing);
        Assert.Equal("1.0", response.GetAttribute("version"));
        return await ExpectAsync("features", Namespaces.Streams);
    }

    /// <summary>Open, SASL PLAIN (the transport is secure), reopen, bind: the bound full JID.</summary>
    public async Task<string> LoginAsync(string user, string password, string? resource = null)
    {
        var features = await OpenAsync();
        Assert.Null(features.Child("starttls", Namespaces.Tls));
        await SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"))}</auth>");
        await ExpectAsync("success", Namespaces.Sasl);
        var bound = await OpenAsync();
        Assert.NotNull(bound.Child("bind", Namespaces.Bind));
        var request = resource is null ? "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>" : $"<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}</resource></bind>";
        await SendAsync($"<iq xmlns='jabber:client' type='set' id='bind1'>{request}</iq>");
        var reply = await ExpectAsync("iq", Namespaces.Client);
        Assert.Equal("result", reply.GetAttribute("type"));
        return reply.Child("bind", Namespaces.Bind)!.ChildText("jid", Namespaces.Bind)!;
    }

    /// <summary>
    /// RFC 7395 §3.6: a stream error with the condition, then &lt;close/&gt; and the WebSocket closing;
    /// the server's &lt;open/&gt; and features may come first, and stanzas answering what was sent before the fault.
    /// </summary>
    public async Task ExpectStreamErrorAsync(StreamErrorCondition condition)
    {
        var element = await ExpectAsync();
        while (element.Is("open", Namespaces.Framing) || element.Is("features", Namespaces.Streams) || element.Namespace == Namespaces.Client)
        {
            element = await ExpectAsync();
        }

        Assert.True(element.Is("error", Namespaces.Streams), $"Expected a stream error, got {element}");
        Assert.Equal(condition, StreamError.ConditionOf(element));
        await ExpectClosedAsync();
    }

    /// <summary>&lt;close/&gt;, answered with ours, then the server's WebSocket close frame.</summary>
    public async Task ExpectClosedAsync()
    {
        await ExpectAsync("close", Namespaces.Framing);
        await SendAsync("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        Assert.Null(await NextMessageAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, _socket.CloseStatus);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>One message as one element, read with the stream parser inside a root of no namespace.</summary>
    private static Element Parse(string text)
    {
        var bytes = Encoding.UTF8.GetBytes("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>" + text);
        var reader = new XmppStreamReader();
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.True(reader.TryRead(ref sequence, out var opened) && opened.Kind == XmlStreamEventKind.StreamOpened);
        Assert.True(reader.TryRead(ref sequence, out var read) && read.Kind == XmlStreamEventKind.Element, $"Not one element: {text}");
        Assert.True(sequence.IsEmpty || Encoding.UTF8.GetString(sequence.ToArray()).Trim().Length == 0, $"More than one element in a message: {text}");
        return read.Element!;
    }
}
