using Parley.Server.Sessions;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.ClientState;

/// <summary>
/// The stanzas held for an inactive client (XEP-0352), kept in its session: non-urgent stanzas wait
/// in arrival order, a presence update replacing the one held from the same sender (only the latest
/// state matters); an urgent stanza sends everything held first, then itself. When the hold is full
/// it is sent whole (Modules:Csi:MaxHeld): nothing is dropped. The lock keeps the order between
/// senders: whatever is released goes to the session's transport before anything sent after it.
/// </summary>
internal sealed class InactiveHold(int capacity)
{
    private readonly Lock _gate = new();
    private readonly List<Element> _held = [];
    private bool _released;

    /// <summary>Stanzas held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    public OutboundVerdict Offer(ClientSession session, Element stanza)
    {
        lock (_gate)
        {
            if (_released)
            {
                // Active again since this sender looked: the stanza goes the normal way, after what was held.
                return OutboundVerdict.Pass;
            }

            if (Urgency.IsUrgent(stanza))
            {
                Flush(session);
                session.Write(stanza);
                return OutboundVerdict.Taken;
            }

            if (stanza.Name == "presence")
            {
                var from = stanza.GetAttribute("from");
                _held.RemoveAll(e => e.Name == "presence" && e.GetAttribute("from") == from);
            }

            if (_held.Count >= capacity)
            {
                Flush(session);
            }

            _held.Add(stanza);
            return OutboundVerdict.Taken;
        }
    }

    /// <summary>Sends everything held and stops holding (the client is active).</summary>
    public void Release(ClientSession session)
    {
        lock (_gate)
        {
            Flush(session);
            _released = true;
        }
    }

    private void Flush(ClientSession session)
    {
        foreach (var stanza in _held)
        {
            session.Write(stanza);
        }

        _held.Clear();
    }
}
