using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Parley.Cli.Bench;

/// <summary>
/// The machine's ceiling for the same load: a fake endpoint that answers the login steps with
/// canned bytes (PLAIN only, any password) and relays each &lt;message&gt; to the connection bound
/// to its 'to' address without parsing XML. What a real server does beyond that is what it costs.
/// </summary>
internal sealed class FloorRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<string, FloorConnection> _bound = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FloorConnection, Task> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    public FloorRelay(IPEndPoint endPoint, string domain)
    {
        Domain = domain;
        _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(endPoint);
        _listener.Listen(4096);
    }

    public string Domain { get; }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Bound sessions by bare JID (one per account: the bench binds one resource per account).</summary>
    public ConcurrentDictionary<string, FloorConnection> Bound => _bound;

    public void Start() => _accepting = AcceptAsync();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }

        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            var connection = new FloorConnection(socket, this);
            _connections[connection] = Task.Run(async () =>
            {
                await connection.RunAsync(_stop.Token).ConfigureAwait(false);
                _connections.TryRemove(connection, out _);
            }, CancellationToken.None);
        }
    }
}
