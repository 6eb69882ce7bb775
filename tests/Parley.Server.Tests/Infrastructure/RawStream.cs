using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// A raw client stream for conversation tests (Prosody's scansion, nats' send/expect): exact bytes
/// go out, parsed elements come back and are asserted. Every wait is on data with a timeout; nothing sleeps.
/// </summary>
internal sealed class RawStream : IAsyncDisposable
{
    public const string Header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    /// <summary>What carries the stream: a TCP connection, or an in-memory connection to the server (<see cref="InMemoryAsync"/>).</summary>
    private readonly IAsyncDisposable _transport;
    private readonly XmppStreamReader _reader = new();
    private readonly byte[] _buffer = new byte[16384];
    private readonly MemoryStream _received = new();
    private Stream _stream;
    private byte[] _rest = [];

    private RawStream(IAsyncDisposable transport, Stream stream)
    {
        _transport = transport;
        _stream = stream;
    }

    private RawStream(TcpClient tcp, Stream stream)
        : this(new DisposeTcp(tcp), stream)
    {
    }

    /// <summary>
    /// A client stream to the server's c2s handler over in-memory pipes, no socket: the same
    /// connection, negotiation, limits and write loop as a TCP client (STARTTLS included), for
    /// protocol tests that need no network.
    /// </summary>
    public static RawStream InMemory(TestServer server)
    {
        var connection = InMemoryConnection.Start(server.Services);
        return new RawStream(connection, connection.Stream);
    }

    /// <summary>The server certificate seen in the TLS handshake.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ServerCertificate { get; private set; }

    public SslStream? Tls => _stream as SslStream;

    /// <summary>Every byte read so far (after TLS: the decrypted ones), as text: for assertions on the exact form the peer wrote.</summary>
    public string ReceivedText => Encoding.UTF8.GetString(_received.ToArray());

    /// <param name="localAddress">The source address to connect from (e.g. 127.0.0.2, for per-address limits); any when null.</param>
    public static async Task<RawStream> ConnectAsync(IPEndPoint endPoint, bool directTls = false, IPAddress? localAddress = null)
    {
        var tcp = localAddress is null ? new TcpClient() : new TcpClient(new IPEndPoint(localAddress, 0));
        await tcp.ConnectAsync(endPoint);
        var raw = new RawStream(tcp, tcp.GetStream());
        if (directTls)
        {
            await raw.HandshakeAsync("xmpp-client");
        }

        return raw;
    }

    /// <summary>The accepted side of a connection (a test playing a remote server that Parley connects to).</summary>
    public static RawStream Accepted(TcpClient tcp) => new(tcp, tcp.GetStream());

    public Task SendAsync(string xml) => SendAsync(Encoding.UTF8.GetBytes(xml));

    /// <summary>Exact bytes, for input no UTF-8 string can carry (other encodings, invalid sequences).</summary>
    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>The next stream event, or null at the end of the connection.</summary>
    public async Task<XmlStreamEvent?> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
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

            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer, timeout.Token);
            }
            catch (IOException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _received.Write(_buffer, 0, read);
            _rest = [.. _rest, .. _buffer.AsSpan(0, read)];
        }
    }

    public async Task<Element> ExpectAsync()
    {
        var next = await NextAsync();
        Assert.True(next is { Kind: XmlStreamEventKind.Element }, $"Expected an element, got {next?.Kind.ToString() ?? "end of connection"}");
        return next!.Value.Element!;
    }

    public async Task<Element> ExpectAsync(string name, string ns)
    {
        var element = await ExpectAsync();
        Assert.True(element.Is(name, ns), $"Expected <{name} xmlns='{ns}'/>, got {element}");
        return element;
    }

    /// <summary>The next stanza of a kind, skipping presence broadcasts unless presence is asked for.</summary>
    public async Task<Element> ExpectStanzaAsync(string name)
    {
        while (true)
        {
            var element = await ExpectAsync();
            if (element.Name == "presence" && name != "presence")
            {
                continue;
            }

            Assert.True(element.Is(name, Namespaces.Client), $"Expected <{name}/>, got {element}");
            return element;
        }
    }

    public async Task<Element> ExpectHeaderAsync()
    {
        var next = await NextAsync();
        Assert.True(next is { Kind: XmlStreamEventKind.StreamOpened }, $"Expected a stream header, got {next?.Kind.ToString() ?? "end of connection"}");
        return next!.Value.Element!;
    }

    /// <summary>
    /// A stream error with the condition, then &lt;/stream:stream&gt;; answers with ours (RFC 6120 §4.4) and awaits the close.
    /// A response header (and its features, when the header was accepted before the fault) may come first.
    /// </summary>
    public async Task ExpectStreamErrorAsync(StreamErrorCondition condition)
    {
        var next = await NextAsync();
        if (next is { Kind: XmlStreamEventKind.StreamOpened })
        {
            next = await NextAsync();
            if (next?.Element?.Is("features", Namespaces.Streams) == true)
            {
                next = await NextAsync();
            }
        }

        Assert.True(next is { Kind: XmlStreamEventKind.Element }, $"Expected a stream error, got {next?.Kind.ToString() ?? "end of connection"}");
        var error = next!.Value.Element!;
        Assert.True(error.Is("error", Namespaces.Streams), $"Expected a stream error, got {error}");
        Assert.Equal(condition, StreamError.ConditionOf(error));
        await ExpectClosedAsync();
    }

    /// <summary>&lt;/stream:stream&gt; (answered with ours) and then the end of the connection.</summary>
    public async Task ExpectClosedAsync()
    {
        var next = await NextAsync();
        Assert.True(next is null or { Kind: XmlStreamEventKind.StreamClosed }, $"Expected the stream to close, got {next?.Element}");
        if (next is not null)
        {
            try
            {
                await SendAsync("</stream:stream>");
            }
            catch (IOException)
            {
                // The server may already have closed the transport.
            }

            Assert.Null(await NextAsync());
        }
    }

    /// <summary>Sends a header and returns the features after the server's header.</summary>
    public async Task<Element> OpenAsync(string header = Header)
    {
        await SendAsync(header);
        await ExpectHeaderAsync();
        return await ExpectAsync("features", Namespaces.Streams);
    }

    /// <param name="clientCertificate">
    /// The certificate to present (a test playing a remote server), with the intermediates to send
    /// beside it; none when null.
    /// </param>
    public async Task StartTlsAsync(SslStreamCertificateContext? clientCertificate = null)
    {
        await SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        await ExpectAsync("proceed", Namespaces.Tls);
        Assert.Empty(_rest);
        await HandshakeAsync(null, clientCertificate);
    }

    /// <summary>Opens, upgrades with STARTTLS and reopens; returns the post-TLS features.</summary>
    public async Task<Element> SecureAsync(string header = Header)
    {
        await OpenAsync(header);
        await StartTlsAsync();
        return await OpenAsync(header);
    }

    /// <summary>The client header addressed to another hosted domain than localhost.</summary>
    public static string HeaderTo(string domain) => Header.Replace("to='localhost'", $"to='{domain}'", StringComparison.Ordinal);

    public async Task<Element> AuthenticatePlainAsync(string user, string password)
    {
        await SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"))}</auth>");
        var reply = await ExpectAsync();
        if (reply.Is("success", Namespaces.Sasl))
        {
            _reader.Reset();
        }

        return reply;
    }

    /// <summary>Runs a SCRAM exchange with the sasl branch's client; returns the final element (success or failure).</summary>
    public async Task<Element> AuthenticateScramAsync(string mechanismName, string user, string password)
    {
        var context = new SaslClientContext
        {
            Username = user,
            Password = password,
            IsTlsActive = Tls is not null,
            // A client that could bind but picks a non-PLUS mechanism would send 'y', which a binding-capable
            // server rightly refuses as a downgrade (RFC 5802 §6); so bind only when asking for -PLUS.
            ChannelBindingData = Tls is null || !mechanismName.EndsWith("-PLUS", StringComparison.Ordinal) ? null : type => type == ChannelBinding.TlsServerEndPoint ? EndPointBinding() : null,
            ServerChannelBindingTypes = [ChannelBinding.TlsServerEndPoint],
        };
        var mechanism = SaslClientMechanisms.Select([mechanismName], context)!;
        Assert.Equal(mechanismName, mechanism.Name);
        await SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='{mechanismName}'>{SaslEncoding.Encode(mechanism.GetInitialResponse())}</auth>");
        while (true)
        {
            var reply = await ExpectAsync();
            if (reply.Is("challenge", Namespaces.Sasl))
            {
                Assert.True(SaslEncoding.TryDecode(reply.Text, out var challenge));
                Assert.True(mechanism.TryRespond(challenge, out var response));
                await SendAsync($"<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{SaslEncoding.Encode(response)}</response>");
                continue;
            }

            if (reply.Is("success", Namespaces.Sasl))
            {
                Assert.True(SaslEncoding.TryDecode(reply.Text, out var additional));
                Assert.True(mechanism.VerifySuccess(additional), "The server's SCRAM signature did not verify");
                _reader.Reset();
            }

            return reply;
        }
    }

    public async Task<string> BindAsync(string? resource = null)
    {
        var request = resource is null ? "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>" : $"<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}</resource></bind>";
        await SendAsync($"<iq type='set' id='bind1'>{request}</iq>");
        var reply = await ExpectStanzaAsync("iq");
        Assert.Equal("result", reply.GetAttribute("type"));
        Assert.Equal("bind1", reply.GetAttribute("id"));
        return reply.Child("bind", Namespaces.Bind)!.ChildText("jid", Namespaces.Bind)!;
    }

    /// <summary>STARTTLS, PLAIN, restart, bind: returns the bound full JID.</summary>
    public async Task<string> LoginAsync(string user, string password, string? resource = null, string header = Header)
    {
        await SecureAsync(header);
        var success = await AuthenticatePlainAsync(user, password);
        Assert.True(success.Is("success", Namespaces.Sasl), success.ToString());
        await OpenAsync(header);
        return await BindAsync(resource);
    }

    public async ValueTask DisposeAsync()
    {
        await _received.DisposeAsync();
        await _stream.DisposeAsync();
        await _transport.DisposeAsync();
    }

    private sealed class DisposeTcp(TcpClient tcp) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private async Task HandshakeAsync(string? alpn, SslStreamCertificateContext? clientCertificate = null)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            ClientCertificateContext = clientCertificate,
            TargetHost = TestServer.Domain,
            // The test server's certificate is self-signed; trust is not what these tests are about.
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                ServerCertificate = certificate is null ? null : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return true;
            },
            ApplicationProtocols = alpn is null ? null : [new SslApplicationProtocol(alpn)],
        });
        _stream = ssl;
        _reader.Reset();
    }

    private byte[] EndPointBinding() => System.Security.Cryptography.SHA256.HashData(ServerCertificate!.RawData);
}
