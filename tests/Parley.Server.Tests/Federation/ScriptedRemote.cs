using System.Net;
using System.Net.Sockets;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// A remote server played by a script (Prosody's scansion idea): it accepts the connections Parley
/// opens (through an S2s:Routes entry to <see cref="EndPoint"/>) and runs the script on each, so a
/// test can answer Parley's outbound stream with exact bytes, including ones no honest server sends.
/// </summary>
internal sealed class ScriptedRemote : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<RawStream, Task> _script;
    private readonly List<Task> _streams = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    private ScriptedRemote(Func<RawStream, Task> script, IPAddress address)
    {
        _script = script;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>How many connections Parley opened to this remote so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Starts listening on <paramref name="address"/> (loopback when null) with the script for each accepted stream.</summary>
    public static ScriptedRemote Start(Func<RawStream, Task> script, IPAddress? address = null) => new(script, address ?? IPAddress.Loopback);

    /// <summary>The stream header a receiving server answers with (RFC 6120 §4.7), declaring the db prefix as servers do.</summary>
    public static string Header(Parley.Xmpp.Xml.Element initiating, string id) =>
        "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' "
        + $"xmlns:db='jabber:server:dialback' from='{initiating.GetAttribute("to")}' to='{initiating.GetAttribute("from")}' id='{id}' version='1.0'>";

    /// <summary>Waits until every script that ran has finished (its assertions surface here).</summary>
    public async Task CompletedAsync()
    {
        Task[] streams;
        lock (_streams)
        {
            streams = [.. _streams];
        }

        await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(30));
    }

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

        Task[] streams;
        lock (_streams)
        {
            streams = [.. _streams];
        }

        await Task.WhenAll(streams.Select(async s =>
        {
            try
            {
                await s;
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The test ended while the script waited.
            }
        }));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            lock (_streams)
            {
                _streams.Add(RunAsync(tcp));
            }
        }
    }

    private async Task RunAsync(TcpClient tcp)
    {
        using var registration = _stop.Token.Register(tcp.Dispose);
        await using var raw = RawStream.Accepted(tcp);
        await _script(raw);
    }
}
