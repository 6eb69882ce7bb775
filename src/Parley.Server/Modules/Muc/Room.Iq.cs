using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// IQs between occupants (XEP-0045 §7.5's addressing applied to IQs, as XEP-0410 §3 and XEP-0054
/// expect): a request to an occupant JID goes to that occupant's real JID from the asker's occupant
/// JID, and the answer comes back the same way, so neither side learns the other's real JID.
/// </summary>
internal sealed partial class Room
{
    /// <summary>
    /// A get or set from an occupant to another occupant's JID, forwarded to its first session (one
    /// answer is expected). From a non-occupant not-acceptable (XEP-0410 §3 relies on it), to a nick no
    /// one holds item-not-found.
    /// </summary>
    public StanzaError? ForwardIq(Jid realJid, string nick, Element iq, List<RoomSend> sends)
    {
        if (!_byRealJid.TryGetValue(realJid, out var asker))
        {
            return StanzaError.Of(StanzaErrorCondition.NotAcceptable, "You are not joined under that nickname.");
        }

        if (!_byNick.TryGetValue(nick, out var target))
        {
            return StanzaError.Of(StanzaErrorCondition.ItemNotFound, "No occupant has that nickname.");
        }

        Forward(iq, asker, target, sends);
        return null;
    }

    /// <summary>An answer (result or error) from an occupant to the asker's occupant JID; dropped when either has left.</summary>
    public void ForwardIqAnswer(Jid realJid, string nick, Element iq, List<RoomSend> sends)
    {
        if (_byRealJid.TryGetValue(realJid, out var answerer) && _byNick.TryGetValue(nick, out var asker))
        {
            Forward(iq, answerer, asker, sends);
        }
    }

    private void Forward(Element iq, Occupant from, Occupant to, List<RoomSend> sends)
    {
        var occupantJid = OccupantJid(from.Nick);
        var forwarded = iq.Clone().SetAttribute("from", occupantJid.ToString()).SetAttribute("to", to.RealJid.ToString());
        sends.Add(new RoomSend(occupantJid, to.RealJid, forwarded));
    }
}
