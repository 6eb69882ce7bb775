using System.Net;
using System.Net.Sockets;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// A stand-in authoritative server for made-up domains (XEP-0220 §2.3): it accepts the streams
/// Parley opens to verify dialback keys, offers dialback without TLS, and answers every db:verify
/// with one verdict. With it a raw test stream can authenticate as such a domain and then misbehave.
/// </summary>
internal sealed class FakeAuthority : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _verdict;
    private readonly List<Task> _streams = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private FakeAuthority(string verdict)
    {
        _verdict = verdict;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <param name="verdict">"valid" or "invalid", the answer to every db:verify.</param>
    public static FakeAuthority Start(string verdict = "valid") => new(verdict);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Stopped while waiting for a connection.
        }

        await Task.WhenAll(_streams);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_streams)
            {
                _streams.Add(ServeAsync(tcp));
            }
        }
    }

    private async Task ServeAsync(TcpClient tcp)
    {
        using var registration = _stop.Token.Register(tcp.Dispose);
        await using var raw = RawStream.Accepted(tcp);
        try
        {
            var header = await raw.ExpectHeaderAsync();
            var domain = header.GetAttribute("to");
            await raw.SendAsync(
                "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' "
                + $"xmlns:db='jabber:server:dialback' from='{domain}' to='{header.GetAttribute("from")}' id='fake-{Guid.NewGuid():N}' version='1.0'>"
                + "<stream:features><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>");
            while (await raw.NextAsync() is { Kind: XmlStreamEventKind.Element } next)
            {
                var element = next.Element!;
                if (element.Is("verify", Namespaces.Dialback) && element.GetAttribute("type") is null)
                {
                    await raw.SendAsync(
                        $"<db:verify from='{element.GetAttribute("to")}' to='{element.GetAttribute("from")}' id='{element.GetAttribute("id")}' type='{_verdict}'/>");
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server under test closed the stream, or the test ended.
        }
    }
}
