using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Sessions;

/// <summary>
/// The session's own outbound queue while no transport is attached (<see cref="ClientSession.Detach"/>):
/// stanzas for a kept session wait here, bounded like a connection's outbox, and go out first, in
/// order, on the transport attached next. Terminating it ends the detached session at once.
/// </summary>
internal sealed class HeldStanzas(int capacity, Action<StreamErrorCondition> terminate) : ISessionEndpoint
{
    private readonly Queue<Element> _stanzas = new();
    private bool _handedOver;

    public string ConnectionId => "detached";

    public System.Net.IPAddress? RemoteAddress => null;

    public int Count
    {
        get
        {
            lock (_stanzas)
            {
                return _stanzas.Count;
            }
        }
    }

    /// <summary>Holds the stanza; false once the bound is reached (the sender treats it as undeliverable).</summary>
    public bool TrySend(Element stanza)
    {
        lock (_stanzas)
        {
            if (_handedOver || _stanzas.Count >= capacity)
            {
                return false;
            }

            _stanzas.Enqueue(stanza);
            return true;
        }
    }

    public void Terminate(StreamErrorCondition condition, string? text = null) => terminate(condition);

    /// <summary>
    /// Hands every held stanza, oldest first, to the new transport, and makes it the session's
    /// (<paramref name="attach"/>) before anything else can be held: a stanza sent meanwhile is
    /// refused here and goes to the new transport after these (<see cref="ClientSession.Send"/>).
    /// </summary>
    public void HandOver(ISessionEndpoint transport, Action attach)
    {
        lock (_stanzas)
        {
            while (_stanzas.TryDequeue(out var stanza))
            {
                transport.TrySend(stanza);
            }

            attach();
            _handedOver = true;
        }
    }
}
