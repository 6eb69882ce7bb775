using System.Net.Sockets;
using System.Text;

namespace Parley.Cli.Bench;

/// <summary>
/// One connection to the floor relay: canned answers to stream open, PLAIN, restart and bind
/// (recognised by byte markers, RFC 6120 §4-§7 in shape only), then a relay of each message's
/// bytes to the session its 'to' names.
/// </summary>
internal sealed class FloorConnection(Socket socket, FloorRelay relay)
{
    private static readonly byte[] StreamOpen = "<stream:stream"u8.ToArray();
    private static readonly byte[] AuthEnd = "</auth>"u8.ToArray();
    private static readonly byte[] IqEnd = "</iq>"u8.ToArray();
    private static readonly byte[] MessageStart = "<message"u8.ToArray();
    private static readonly byte[] MessageEnd = "</message>"u8.ToArray();
    private static readonly byte[] StreamClose = "</stream:stream>"u8.ToArray();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ReceiveBuffer _reader = new(new NetworkStream(socket, ownsSocket: true));
    private string? _user;
    private string? _bareJid;

    private enum Stage
    {
        Open,
        Auth,
        Restart,
        Bind,
        Relay,
    }

    public void Abort() => socket.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var stage = Stage.Open;
        try
        {
            while (await _reader.FillAsync(cancellationToken).ConfigureAwait(false))
            {
                while (true)
                {
                    var before = stage;
                    stage = await StepAsync(stage, cancellationToken).ConfigureAwait(false);
                    if (stage == before)
                    {
                        break;
                    }
                }

                if (_reader.Buffered.IndexOf(StreamClose) >= 0)
                {
                    await SendAsync(StreamClose, cancellationToken).ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException or BenchFailureException)
        {
            // The client went away or the relay stops.
        }
        finally
        {
            if (_bareJid is not null)
            {
                relay.Bound.TryRemove(new KeyValuePair<string, FloorConnection>(_bareJid, this));
            }

            socket.Dispose();
        }
    }

    /// <summary>Sends bytes to this session; senders relaying to it take turns.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _reader.Stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Handles what is complete in the buffer for this stage; returns the next stage (the same when more bytes are needed).</summary>
    private async ValueTask<Stage> StepAsync(Stage stage, CancellationToken cancellationToken)
    {
        var data = _reader.Buffered;
        switch (stage)
        {
            case Stage.Open or Stage.Restart:
                var open = data.IndexOf(StreamOpen);
                var end = open < 0 ? -1 : data[open..].IndexOf((byte)'>');
                if (end < 0)
                {
                    return stage;
                }

                _reader.Consume(open + end + 1);
                var features = stage == Stage.Open
                    ? "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>"
                    : "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";
                await SendAsync(Encoding.UTF8.GetBytes($"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='floor' from='{relay.Domain}' version='1.0'>{features}"), cancellationToken).ConfigureAwait(false);
                return stage == Stage.Open ? Stage.Auth : Stage.Bind;
            case Stage.Auth:
                var authEnd = data.IndexOf(AuthEnd);
                if (authEnd < 0)
                {
                    return stage;
                }

                // PLAIN's message is [authzid] NUL authcid NUL password (RFC 4616 §2); any password will do.
                var text = Encoding.ASCII.GetString(data[..authEnd]);
                var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(text[(text.LastIndexOf('>') + 1)..])).Split('\0');
                _user = credentials.Length == 3 ? credentials[1] : throw new BenchFailureException("not PLAIN");
                _reader.Consume(authEnd + AuthEnd.Length);
                await SendAsync("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                return Stage.Restart;
            case Stage.Bind:
                var iqEnd = data.IndexOf(IqEnd);
                if (iqEnd < 0)
                {
                    return stage;
                }

                var iq = Encoding.UTF8.GetString(data[..iqEnd]);
                _reader.Consume(iqEnd + IqEnd.Length);
                var resource = Between(iq, "<resource>", "</resource>") ?? "floor";
                var id = Between(iq, "id='", "'") ?? Between(iq, "id=\"", "\"") ?? "";
                _bareJid = _user + "@" + relay.Domain;
                relay.Bound[_bareJid] = this;
                await SendAsync(Encoding.UTF8.GetBytes($"<iq type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>{_bareJid}/{resource}</jid></bind></iq>"), cancellationToken).ConfigureAwait(false);
                return Stage.Relay;
            default:
                await RelayAsync(cancellationToken).ConfigureAwait(false);
                return stage;
        }
    }

    /// <summary>Forwards every complete message in the buffer; consecutive ones for the same session go in one write.</summary>
    private async ValueTask RelayAsync(CancellationToken cancellationToken)
    {
        var consumed = 0;
        FloorConnection? target = null;
        int runStart = 0, runEnd = 0;
        while (true)
        {
            var data = _reader.Buffered;
            var end = data[consumed..].IndexOf(MessageEnd);
            if (end < 0)
            {
                break;
            }

            end += consumed + MessageEnd.Length;
            var start = data[consumed..end].IndexOf(MessageStart) + consumed;
            var next = start < consumed ? null : Addressee(data[start..end]);
            if (next != target || start != runEnd)
            {
                if (target is not null)
                {
                    await target.SendAsync(_reader.BufferedMemory(runStart, runEnd - runStart), cancellationToken).ConfigureAwait(false);
                }

                target = next;
                runStart = start;
            }

            runEnd = end;
            consumed = end;
        }

        if (target is not null)
        {
            await target.SendAsync(_reader.BufferedMemory(runStart, runEnd - runStart), cancellationToken).ConfigureAwait(false);
        }

        _reader.Consume(consumed);
    }

    /// <summary>The bound session named by the bare part of the message's 'to' attribute, or null.</summary>
    private FloorConnection? Addressee(ReadOnlySpan<byte> message)
    {
        var to = message.IndexOf(" to="u8);
        if (to < 0 || to + 5 >= message.Length)
        {
            return null;
        }

        var value = message[(to + 5)..];
        var quote = message[to + 4];
        var length = value.IndexOfAny(quote, (byte)'/');
        if (length < 0)
        {
            return null;
        }

        Span<char> jid = stackalloc char[length];
        var chars = Encoding.UTF8.GetChars(value[..length], jid);
        var lookup = relay.Bound.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(jid[..chars], out var target) ? target : null;
    }

    private static string? Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        if (from < 0)
        {
            return null;
        }

        from += start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        return to < 0 ? null : text[from..to];
    }
}
