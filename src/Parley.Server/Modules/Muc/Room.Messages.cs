using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>XEP-0045 §7.4 groupchat, §7.5 private messages, §8.1 subject, §7.8 mediated invitations and declines.</summary>
internal sealed partial class Room
{
    /// <summary>
    /// A groupchat message to the room: from a non-occupant not-acceptable (§7.4), from a visitor of
    /// a moderated room forbidden (§7.4), over the occupant's rate resource-constraint; a subject
    /// change (§8.1) only from a moderator, or a participant where the room allows it. Reflected to
    /// every occupant, the sender included, from its occupant JID with its occupant-id.
    /// </summary>
    public StanzaError? Groupchat(Jid realJid, Element message, List<RoomSend> sends)
    {
        if (!_byRealJid.TryGetValue(realJid, out var sender))
        {
            return StanzaError.Of(StanzaErrorCondition.NotAcceptable, "Only occupants may send messages to the room.");
        }

        var subject = message.Child("subject", Namespaces.Client);
        var isSubjectChange = subject is not null && message.Child("body", Namespaces.Client) is null;
        if (sender.Role < MucRole.Participant
            || (isSubjectChange && sender.Role < MucRole.Moderator && !Config.ChangeSubject))
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, isSubjectChange ? "You may not change the subject." : "Visitors may not speak in a moderated room.");
        }

        if (sender.Messages.Available < 1)
        {
            return new StanzaError(StanzaErrorType.Wait, StanzaErrorCondition.ResourceConstraint, "Too many messages; slow down.");
        }

        sender.Messages.Take(1);
        var from = OccupantJid(sender.Nick);
        var reflected = Relayed(message, from, sender);
        reflected.SetAttribute("type", "groupchat");
        Archive(reflected, from);
        if (isSubjectChange)
        {
            Subject = subject!.Text;
            SubjectBy = sender.Nick;
            Dirty = true;
        }
        else if (message.Child("body", Namespaces.Client) is not null)
        {
            History.Add(reflected, _environment.Time.GetUtcNow());
        }

        foreach (var occupant in _byNick.Values)
        {
            SendTo(sends, from, occupant, reflected.Clone());
        }

        return null;
    }

    /// <summary>
    /// §7.5: a private message to one occupant, relayed from the sender's occupant JID with a muc#user
    /// marker. From a non-occupant not-acceptable, a groupchat to an occupant bad-request, an unknown
    /// nick item-not-found, and forbidden where the room's allowpm excludes the sender's role.
    /// </summary>
    public StanzaError? PrivateMessage(Jid realJid, string nick, Element message, List<RoomSend> sends)
    {
        if (!_byRealJid.TryGetValue(realJid, out var sender))
        {
            return StanzaError.Of(StanzaErrorCondition.NotAcceptable, "Only occupants may send private messages.");
        }

        if (Stanza.Type(message) == "groupchat")
        {
            return StanzaError.Of(StanzaErrorCondition.BadRequest, "A groupchat message goes to the room.");
        }

        if (!_byNick.TryGetValue(nick, out var recipient))
        {
            return StanzaError.Of(StanzaErrorCondition.ItemNotFound, "No occupant has that nickname.");
        }

        if (Config.PrivateMessagesFrom == MucRole.None || sender.Role < Config.PrivateMessagesFrom)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "Private messages are not allowed here.");
        }

        var from = OccupantJid(sender.Nick);
        var relayed = Relayed(message, from, sender);
        relayed.AddElement("x", Namespaces.MucUser);
        SendTo(sends, from, recipient, relayed);
        return null;
    }

    /// <summary>
    /// §7.8.2 mediated invitations and §7.8.3 declines, in a message to the room's bare JID. An
    /// invitation from a non-occupant is not-acceptable; in a members-only room only admins, owners or
    /// (where allowed) occupants may invite, and the invitee becomes a member so it can enter.
    /// </summary>
    public StanzaError? InviteOrDecline(Jid realJid, Element x, List<RoomSend> sends)
    {
        var invites = x.Children("invite", Namespaces.MucUser).ToList();
        if (invites.Count == 0)
        {
            var decline = x.Child("decline", Namespaces.MucUser)!;
            if (!Jid.TryParse(decline.GetAttribute("to"), out var inviter))
            {
                return StanzaError.Of(StanzaErrorCondition.JidMalformed);
            }

            var declined = RoomMessage(inviter);
            var item = declined.AddElement("x", Namespaces.MucUser).AddElement("decline").SetAttribute("from", realJid.Bare.ToString());
            CopyReason(decline, item);
            sends.Add(new RoomSend(Jid, inviter, declined));
            return null;
        }

        if (!_byRealJid.ContainsKey(realJid))
        {
            return StanzaError.Of(StanzaErrorCondition.NotAcceptable, "Only occupants may invite.");
        }

        var affiliation = AffiliationOf(realJid);
        if (Config.MembersOnly && affiliation < MucAffiliation.Admin && !Config.AllowInvites)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "Only admins may invite to this room.");
        }

        var invitees = new List<Jid>();
        foreach (var invite in invites)
        {
            if (!Jid.TryParse(invite.GetAttribute("to"), out var invitee))
            {
                return StanzaError.Of(StanzaErrorCondition.JidMalformed);
            }

            invitees.Add(invitee);
        }

        for (var i = 0; i < invites.Count; i++)
        {
            var invitee = invitees[i];
            if (Config.MembersOnly && AffiliationOf(invitee) == MucAffiliation.None)
            {
                _affiliations[invitee.Bare] = MucAffiliation.Member;
                Dirty = true;
            }

            var message = RoomMessage(invitee);
            var muc = message.AddElement("x", Namespaces.MucUser);
            var item = muc.AddElement("invite").SetAttribute("from", realJid.ToString());
            CopyReason(invites[i], item);
            if (Config.PasswordProtected)
            {
                muc.AddElement("password").AddText(Config.Password);
            }

            message.AddElement("body").AddText($"{realJid.Bare} invites you to the room {Jid}.");
            sends.Add(new RoomSend(Jid, invitee, message));
        }

        return null;
    }

    private static void CopyReason(Element from, Element to)
    {
        if (from.ChildText("reason", Namespaces.MucUser) is { Length: > 0 } reason)
        {
            to.AddElement("reason").AddText(reason);
        }
    }

    /// <summary>
    /// A user's message as the room relays it: its payload without a claimed occupant-id, stamped with
    /// the real one (XEP-0421 §5), and without stanza-ids (XEP-0359 §5: the only one a room's message
    /// may carry is the room's own, which <see cref="Archive"/> stamps; an origin-id stays).
    /// </summary>
    private static Element Relayed(Element message, Jid from, Occupant sender)
    {
        var relayed = new Element("message", Namespaces.Client).SetAttribute("from", from.ToString());
        if (message.GetAttribute("id") is { } id)
        {
            relayed.SetAttribute("id", id);
        }

        if (Stanza.Type(message) is { } type)
        {
            relayed.SetAttribute("type", type);
        }

        foreach (var child in message.Children())
        {
            if (child.Namespace != Namespaces.OccupantId && !child.Is("x", Namespaces.MucUser) && !child.Is("stanza-id", Namespaces.StanzaId))
            {
                relayed.Add(child.Clone());
            }
        }

        relayed.AddElement("occupant-id", Namespaces.OccupantId).SetAttribute("id", sender.OccupantId);
        return relayed;
    }
}
