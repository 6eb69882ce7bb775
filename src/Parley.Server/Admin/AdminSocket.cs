using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Parley.Server.Diagnostics;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;

namespace Parley.Server.Admin;

/// <summary>
/// The server's side of the local admin socket, <c>&lt;DataDirectory&gt;/admin.sock</c>: how `parley user
/// remove` and `parley user passwd --kick`, separate processes that change the database directly, make the
/// running server end the account's live sessions. The socket file is created inside the data folder
/// (mode 0700), and its own mode is 0600, so only the user the server runs as (or root) can connect; that
/// user can already read the database, so the socket grants nothing new.
/// </summary>
/// <remarks>
/// One request per connection, one line of at most <see cref="MaxRequestBytes"/> bytes:
/// <c>end-sessions &lt;bare JID&gt; removed|password-changed</c>, answered <c>ok &lt;count&gt;</c> or
/// <c>error &lt;text&gt;</c>. The sessions end with the stream error &lt;not-authorized/&gt; and a text
/// saying why, as XEP-0077 §3.2 ends the streams of an account removed in-band.
/// </remarks>
internal sealed class AdminSocket(ISessionDirectory sessions, ILogger<AdminSocket> logger)
{
    public const string FileName = "admin.sock";
    public const string EndSessions = "end-sessions";
    public const string Removed = "removed";
    public const string PasswordChanged = "password-changed";
    public const int MaxRequestBytes = 1024;

    /// <summary>sun_path holds 108 bytes on Linux, the terminating NUL included.</summary>
    public const int MaxPathBytes = 108;

    public async Task HandleAsync(ConnectionContext connection)
    {
        var reply = await ReadRequestAsync(connection.Transport.Input, connection.ConnectionClosed).ConfigureAwait(false) is { } request
            ? Execute(request)
            : Refuse("no request line");
        await connection.Transport.Output.WriteAsync(Encoding.UTF8.GetBytes(reply + "\n"), connection.ConnectionClosed).ConfigureAwait(false);
        await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
    }

    private string Execute(string request)
    {
        var parts = request.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is not [EndSessions, var address, Removed or PasswordChanged]
            || !Jid.TryParse(address, out var account)
            || !account.IsBare
            || account.Local is null)
        {
            return Refuse($"not a request: '{request}'");
        }

        var text = parts[2] == Removed ? "Account removed" : "Password changed";
        var resources = sessions.Resources(account);
        foreach (var session in resources)
        {
            session.Endpoint.Terminate(StreamErrorCondition.NotAuthorized, text);
        }

        AdminLog.SessionsEnded(logger, account.ToString(), resources.Count, parts[2]);
        return $"ok {resources.Count}";
    }

    private string Refuse(string reason)
    {
        AdminLog.Refused(logger, reason);
        return "error " + reason;
    }

    /// <summary>The first line, or null when the peer closed first or sent more than <see cref="MaxRequestBytes"/> without one.</summary>
    private static async Task<string?> ReadRequestAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } end && buffer.Slice(0, end).Length <= MaxRequestBytes)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, end)).TrimEnd('\r');
                input.AdvanceTo(buffer.GetPosition(1, end));
                return line;
            }

            if (read.IsCompleted || buffer.Length > MaxRequestBytes)
            {
                return null;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
