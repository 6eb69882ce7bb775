using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>XEP-0045 §7.2 entering, §7.6 changing nickname, §7.7 changing availability, §7.14 exiting.</summary>
internal sealed partial class Room
{
    /// <summary>
    /// §7.2: a user enters under <paramref name="nick"/>. Refusals (§7.2.5–§7.2.10): item-not-found for
    /// a locked room, forbidden for an outcast, registration-required in a members-only room for a
    /// non-member, conflict for a nick in use, not-authorized without the password,
    /// service-unavailable when the room is full. Then §7.2.3's order: the others' presence, the
    /// newcomer's own (110; 100 in a non-anonymous room, 201 when it created the room, 210 when the
    /// service changed the nick), the history, the subject. A user already in the room under that nick
    /// from another resource of the same bare JID joins it as one more session (multi-session nick):
    /// the new session gets all of the above, the others see no change.
    /// </summary>
    public StanzaError? Enter(Jid realJid, string nick, Element presence, bool created, bool nickModified, List<RoomSend> sends)
    {
        var affiliation = AffiliationOf(realJid);
        var join = presence.Child("x", Namespaces.Muc);
        if (Locked && affiliation != MucAffiliation.Owner)
        {
            return StanzaError.Of(StanzaErrorCondition.ItemNotFound, "The room is locked until its owner configures it.");
        }

        if (affiliation == MucAffiliation.Outcast)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "You are banned from this room.");
        }

        if (Config.MembersOnly && affiliation < MucAffiliation.Member)
        {
            return StanzaError.Of(StanzaErrorCondition.RegistrationRequired, "The room is members-only.");
        }

        if ((_byNick.TryGetValue(nick, out var sameNick) && !sameNick.RealJid.Bare.Equals(realJid.Bare)) || IsReservedByAnother(nick, realJid.Bare))
        {
            return StanzaError.Of(StanzaErrorCondition.Conflict, "That nickname is in use.");
        }

        if (Config.PasswordProtected && affiliation != MucAffiliation.Owner && join?.ChildText("password", Namespaces.Muc) != Config.Password)
        {
            return StanzaError.Of(StanzaErrorCondition.NotAuthorized, "A password is required.");
        }

        if (sameNick is null && (_byNick.Count >= _environment.MaxOccupants || (_byNick.Count >= Config.MaxUsers && affiliation < MucAffiliation.Admin)))
        {
            return StanzaError.Of(StanzaErrorCondition.ServiceUnavailable, "The room is full.");
        }

        var occupant = sameNick ?? NewOccupant(nick, realJid, DefaultRole(affiliation), Payload(presence));
        foreach (var other in _byNick.Values)
        {
            if (!ReferenceEquals(other, occupant))
            {
                sends.Add(new RoomSend(OccupantJid(other.Nick), realJid, PresenceOf(other, occupant, unavailable: false, AffiliationOf(other.RealJid)).SetAttribute("to", realJid.ToString())));
            }
        }

        if (sameNick is null)
        {
            Add(occupant);
        }
        else
        {
            occupant.Sessions.Add(realJid);
            _byRealJid.Add(realJid, occupant);
        }

        var codes = new List<int>();
        if (Config.NonAnonymous)
        {
            codes.Add(100);
        }

        if (created)
        {
            codes.Add(201);
        }

        if (nickModified)
        {
            codes.Add(210);
        }

        var from = OccupantJid(nick);
        if (sameNick is null)
        {
            foreach (var viewer in _byNick.Values)
            {
                SendTo(sends, from, viewer, ReferenceEquals(viewer, occupant)
                    ? PresenceOf(occupant, viewer, unavailable: false, affiliation, null, [.. codes])
                    : PresenceOf(occupant, viewer, unavailable: false, affiliation));
            }
        }
        else
        {
            sends.Add(new RoomSend(from, realJid, PresenceOf(occupant, occupant, unavailable: false, affiliation, null, [.. codes]).SetAttribute("to", realJid.ToString())));
        }

        foreach (var message in History.Select(join?.Child("history", Namespaces.Muc), Jid.ToString(), _environment.Time.GetUtcNow()))
        {
            sends.Add(new RoomSend(message.GetAttribute("from") is { } sender ? Jid.Parse(sender) : Jid, realJid, message.SetAttribute("to", realJid.ToString())));
        }

        // §7.2.15: the subject comes last, empty when none was set, and tells the client the join is complete.
        var subject = new Element("message", Namespaces.Client)
            .SetAttribute("from", (SubjectBy.Length > 0 ? OccupantJid(SubjectBy) : Jid).ToString())
            .SetAttribute("to", realJid.ToString())
            .SetAttribute("type", "groupchat");
        subject.AddElement("subject").AddText(Subject ?? "");
        sends.Add(new RoomSend(Jid, realJid, subject));
        return null;
    }

    /// <summary>
    /// Available presence from someone already in the room: to the same nick, a change of status
    /// (§7.7); to another nick, a nickname change (§7.6: unavailable with 303 and the new nick, then
    /// available from the new one), or conflict when the nick is taken.
    /// </summary>
    public StanzaError? ChangePresence(Jid realJid, string nick, Element presence, List<RoomSend> sends)
    {
        var occupant = _byRealJid[realJid];
        var affiliation = AffiliationOf(realJid);
        if (occupant.Nick != nick)
        {
            if (_byNick.ContainsKey(nick))
            {
                return StanzaError.Of(StanzaErrorCondition.Conflict, "That nickname is in use.");
            }

            if (occupant.Sessions.Count > 1)
            {
                // The nick is every session's: one of them cannot take the others along.
                return StanzaError.Of(StanzaErrorCondition.NotAcceptable, "Your other sessions are in the room under this nickname; leave from them first.");
            }

            BroadcastPresence(sends, occupant, unavailable: true, affiliation, (_, item) => item.SetAttribute("nick", nick), 303);
            _byNick.Remove(occupant.Nick);
            occupant.Nick = nick;
            _byNick.Add(nick, occupant);
        }

        occupant.Presence = Payload(presence);
        BroadcastPresence(sends, occupant, unavailable: false, affiliation);
        return null;
    }

    /// <summary>§7.14: the occupant leaves (unavailable presence, an error from its client, or its session ended).</summary>
    public void Exit(Jid realJid, Element? presence, List<RoomSend> sends)
    {
        if (!_byRealJid.TryGetValue(realJid, out var occupant))
        {
            return;
        }

        if (occupant.Sessions.Count > 1)
        {
            // One session of a multi-session nick leaves: it alone hears so, the occupant stays for the others.
            var self = PresenceOf(occupant, occupant, unavailable: true, AffiliationOf(realJid));
            sends.Add(new RoomSend(OccupantJid(occupant.Nick), realJid, self.SetAttribute("to", realJid.ToString())));
            occupant.Sessions.Remove(realJid);
            _byRealJid.Remove(realJid);
            _departed.Add(realJid);
            return;
        }

        if (presence?.Child("status", Namespaces.Client) is { } status)
        {
            occupant.Presence = new Element("presence", Namespaces.Client).Add(status.Clone());
        }

        BroadcastPresence(sends, occupant, unavailable: true, AffiliationOf(realJid));
        Remove(occupant);
        ForgetIfEmpty();
    }

    /// <summary>What the room rebroadcasts of a user's presence: everything but the MUC elements and a claimed occupant-id (XEP-0421 §5).</summary>
    private static Element Payload(Element presence)
    {
        var payload = new Element("presence", Namespaces.Client);
        foreach (var child in presence.Children())
        {
            if (child.Namespace is not (Namespaces.Muc or Namespaces.MucUser or Namespaces.OccupantId))
            {
                payload.Add(child.Clone());
            }
        }

        return payload;
    }
}
