using Parley.Client;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Reads every stanza a connected <see cref="XmppClient"/> receives and keeps it, so that a test
/// can await a stanza that arrived before or after it asked (presence and roster pushes of two
/// servers race each other). IQ get/set addressed to the client, roster pushes above all, are
/// answered with an empty result as RFC 6121 §2.1.6 asks of a client.
/// </summary>
internal sealed class ClientInbox
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly XmppClient _client;
    private readonly List<Element> _received = [];
    private readonly List<(Func<Element, bool> Match, TaskCompletionSource<Element> Found)> _waiters = [];
    private readonly Task _reading;

    public ClientInbox(XmppClient client)
    {
        _client = client;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Every stanza received so far, as XML, for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_received)
            {
                return string.Join('\n', _received.Select(s => s.ToString()));
            }
        }
    }

    /// <summary>The first stanza that matches, received already or later; fails after <see cref="Timeout"/> or when the stream ends.</summary>
    public async Task<Element> WaitAsync(Func<Element, bool> match, string what)
    {
        var found = new TaskCompletionSource<Element>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_received)
        {
            if (_received.FirstOrDefault(match) is { } already)
            {
                return already;
            }

            _waiters.Add((match, found));
        }

        var winner = await Task.WhenAny(found.Task, _reading, Task.Delay(Timeout));
        if (winner == found.Task)
        {
            return await found.Task;
        }

        var reason = winner == _reading ? "the stream ended" : $"nothing arrived within {Timeout}";
        throw new TimeoutException($"{_client.Jid} waited for {what} but {reason}. Received:\n{Transcript}");
    }

    private async Task ReadAsync()
    {
        while (await _client.ReadStanzaAsync() is { } stanza)
        {
            if (stanza.Is("iq", Namespaces.Client) && stanza.GetAttribute("type") is "set" or "get")
            {
                var result = new Element("iq", Namespaces.Client)
                    .SetAttribute("type", "result")
                    .SetAttribute("id", stanza.GetAttribute("id") ?? "");
                if (stanza.GetAttribute("from") is { } from)
                {
                    result.SetAttribute("to", from);
                }

                await _client.SendAsync(result);
            }

            List<TaskCompletionSource<Element>>? matched = null;
            lock (_received)
            {
                _received.Add(stanza);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Match(stanza))
                    {
                        (matched ??= []).Add(_waiters[i].Found);
                        _waiters.RemoveAt(i);
                    }
                }
            }

            matched?.ForEach(tcs => tcs.TrySetResult(stanza));
        }
    }
}
