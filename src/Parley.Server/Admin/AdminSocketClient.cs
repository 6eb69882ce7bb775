using System.Net.Sockets;
using System.Text;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Admin;

/// <summary>The `parley user` side of the admin socket (<see cref="AdminSocket"/>): asks a running server to end an account's sessions.</summary>
public static class AdminSocketClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Asks the server that uses <paramref name="dataDirectory"/> to end the live sessions of
    /// <paramref name="account"/>; returns how many it ended, or null when no server is running there.
    /// </summary>
    /// <param name="passwordChanged">True for `passwd --kick`, false for `remove`: the text the clients see.</param>
    /// <exception cref="IOException">The server answered with an error or not at all.</exception>
    public static async Task<int?> EndSessionsAsync(string dataDirectory, Jid account, bool passwordChanged, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetFullPath(dataDirectory), AdminSocket.FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            // A socket file left by a server that is no longer running.
            return null;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reason = passwordChanged ? AdminSocket.PasswordChanged : AdminSocket.Removed;
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"{AdminSocket.EndSessions} {account} {reason}\n"), timeout.Token).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var reply = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        return reply is not null && reply.StartsWith("ok ", StringComparison.Ordinal) && int.TryParse(reply.AsSpan(3), out var count)
            ? count
            : throw new IOException($"the server's admin socket answered '{reply}'");
    }
}
