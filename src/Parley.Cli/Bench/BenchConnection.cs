using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Cli.Bench;

/// <summary>
/// One client connection of the load generator: raw socket, canned stream headers, SASL from
/// Parley.Xmpp's client mechanisms, and a byte scanner instead of an XML parser, so the generator
/// spends as little as possible per login and per message.
/// </summary>
internal sealed class BenchConnection : IAsyncDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private readonly IDisposable _socket;
    private readonly BenchSettings _settings;
    private readonly byte[] _header;

    private BenchConnection(IDisposable socket, Stream stream, BenchSettings settings)
    {
        _socket = socket;
        _settings = settings;
        Reader = new ReceiveBuffer(stream);
        _header = Encoding.UTF8.GetBytes($"<?xml version='1.0'?><stream:stream to='{settings.Domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
    }

    /// <summary>What the server sent that no login step consumed; the receive loops continue from it.</summary>
    public ReceiveBuffer Reader { get; }

    public Stream Stream => Reader.Stream;

    public static async Task<BenchConnection> ConnectAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        if (settings.WebSocketPort is not null)
        {
            var websocket = await WebSocketBenchStream.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
            return new BenchConnection(websocket, websocket, settings);
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(settings.Host, settings.Port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new BenchConnection(socket, new NetworkStream(socket, ownsSocket: true), settings);
    }

    /// <summary>Negotiates a bound session (RFC 6120 §5-§7) and sends initial presence (RFC 6121 §4.2).</summary>
    public async Task LoginAsync(string user, string resource, ScramSaltedPasswordCache saltedPasswords, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        var token = timeout.Token;
        await OpenStreamAsync(token).ConfigureAwait(false);
        if (_settings.Tls)
        {
            await SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"u8.ToArray(), token).ConfigureAwait(false);
            var (name, _, _) = await Reader.ReadElementAsync(["proceed", "failure"], token).ConfigureAwait(false);
            if (name != "proceed")
            {
                throw new BenchFailureException("STARTTLS refused");
            }

            var tls = new SslStream(Reader.Stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = _settings.Domain }, token).ConfigureAwait(false);
            Reader.SwitchTo(tls);
            await OpenStreamAsync(token).ConfigureAwait(false);
        }

        await AuthenticateAsync(user, saltedPasswords, token).ConfigureAwait(false);
        await OpenStreamAsync(token).ConfigureAwait(false);
        await SendAsync(Encoding.UTF8.GetBytes($"<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}</resource></bind></iq>"), token).ConfigureAwait(false);
        var bound = await Reader.ReadUntilAsync("</iq>"u8.ToArray(), token).ConfigureAwait(false);
        if (!bound.Contains("type='result'", StringComparison.Ordinal) && !bound.Contains("type=\"result\"", StringComparison.Ordinal))
        {
            throw new BenchFailureException("bind failed: " + bound);
        }

        await SendAsync("<presence/>"u8.ToArray(), token).ConfigureAwait(false);
    }

    /// <summary>In-band registration (XEP-0077 §3.1) of an account; true when created or already there.</summary>
    public async Task<bool> RegisterAsync(string user, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        await OpenStreamAsync(timeout.Token).ConfigureAwait(false);
        await SendAsync(Encoding.UTF8.GetBytes($"<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>{user}</username><password>{_settings.Password}</password></query></iq>"), timeout.Token).ConfigureAwait(false);
        var (_, reply, _) = await Reader.ReadElementAsync(["iq"], timeout.Token).ConfigureAwait(false);
        return reply.Contains("type='result'", StringComparison.Ordinal) || reply.Contains("type=\"result\"", StringComparison.Ordinal)
            || reply.Contains("conflict", StringComparison.Ordinal);
    }

    /// <summary>Closes the stream (RFC 6120 §4.4) and waits for the server's close or end of data.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        try
        {
            await SendAsync("</stream:stream>"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            await Reader.ReadUntilClosedAsync("</stream:stream>"u8.ToArray(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or BenchFailureException)
        {
            // The server may close first; either way the connection is done.
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => Reader.Stream.WriteAsync(bytes, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Reader.Stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    private async Task OpenStreamAsync(CancellationToken cancellationToken)
    {
        await SendAsync(_header, cancellationToken).ConfigureAwait(false);
        await Reader.ReadUntilAsync("</stream:features>"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private async Task AuthenticateAsync(string user, ScramSaltedPasswordCache saltedPasswords, CancellationToken cancellationToken)
    {
        var context = new SaslClientContext
        {
            Username = user,
            Password = _settings.Password,
            IsTlsActive = _settings.Tls,
            AllowPlainWithoutTls = true,
            SaltedPasswords = saltedPasswords,
        };
        var mechanism = SaslClientMechanisms.Select([_settings.Mechanism], context)
            ?? throw new BenchFailureException($"unsupported mechanism {_settings.Mechanism}");
        var initial = Convert.ToBase64String(mechanism.GetInitialResponse());
        await SendAsync(Encoding.UTF8.GetBytes($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='{mechanism.Name}'>{(initial.Length == 0 ? "=" : initial)}</auth>"), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var (name, _, content) = await Reader.ReadElementAsync(["challenge", "success", "failure"], cancellationToken).ConfigureAwait(false);
            if (name == "failure" || !SaslEncoding.TryDecode(content, out var data))
            {
                throw new BenchFailureException($"authentication of {user} failed: {content}");
            }

            if (name == "success")
            {
                if (!mechanism.VerifySuccess(data))
                {
                    throw new BenchFailureException($"the server's success for {user} did not verify");
                }

                return;
            }

            if (!mechanism.TryRespond(data, out var response))
            {
                throw new BenchFailureException($"bad challenge for {user}");
            }

            var text = Convert.ToBase64String(response);
            await SendAsync(Encoding.UTF8.GetBytes($"<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{(text.Length == 0 ? "" : text)}</response>"), cancellationToken).ConfigureAwait(false);
        }
    }
}
