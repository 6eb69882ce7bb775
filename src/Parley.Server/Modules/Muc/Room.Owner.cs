using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>XEP-0045 §10: the owner's use cases: the configuration form (instant and reserved rooms, §10.1–§10.2) and destruction (§10.9).</summary>
internal sealed partial class Room
{
    /// <summary>§10.2: the form with the current values, for owners only (forbidden otherwise).</summary>
    public StanzaError? ConfigurationForm(Jid realJid, out Element? form)
    {
        form = null;
        if (AffiliationOf(realJid) != MucAffiliation.Owner)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "Only owners configure the room.");
        }

        form = RoomConfigForm.Render(Config, _environment.MaxOccupants, _environment.ArchiveIds is not null);
        return null;
    }

    /// <summary>
    /// §10.1.2 / §10.2: a submitted form (empty for an instant room) is applied and unlocks the room;
    /// occupants hear 104 (and 172/173 when the room's anonymity changed, §10.2.1); in a room that became
    /// members-only, non-members are removed with 322. A cancelled form destroys a room still locked (§10.1.3).
    /// </summary>
    public StanzaError? Configure(Jid realJid, Element form, List<RoomSend> sends)
    {
        if (AffiliationOf(realJid) != MucAffiliation.Owner)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "Only owners configure the room.");
        }

        var type = form.GetAttribute("type");
        if (type == "cancel")
        {
            if (Locked)
            {
                Close(null, null, sends);
            }

            return null;
        }

        if (type != "submit")
        {
            return StanzaError.Of(StanzaErrorCondition.BadRequest, "Submit or cancel the form.");
        }

        if (!RoomConfigForm.TryApply(form, Config, _environment.MaxOccupants, _environment.ArchiveIds is not null, out var config, out var error))
        {
            return error;
        }

        var old = Config;
        var wasLocked = Locked;
        Config = config;
        Locked = false;
        Dirty = true;
        if (!wasLocked)
        {
            var codes = new List<int> { 104 };
            if (config.NonAnonymous != old.NonAnonymous)
            {
                codes.Add(config.NonAnonymous ? 172 : 173);
            }

            foreach (var occupant in _byNick.Values)
            {
                var notice = RoomMessage(occupant.RealJid, "groupchat");
                var x = notice.AddElement("x", Namespaces.MucUser);
                foreach (var code in codes)
                {
                    x.AddElement("status").SetAttribute("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                SendTo(sends, Jid, occupant, notice);
            }
        }

        if (config.MembersOnly && !old.MembersOnly)
        {
            foreach (var occupant in _byNick.Values.Where(o => AffiliationOf(o.RealJid) < MucAffiliation.Member).ToList())
            {
                RemoveOccupant(occupant, 322, null, null, sends);
            }
        }

        ForgetIfEmpty();
        return null;
    }

    /// <summary>§10.9: the owner destroys the room; every occupant gets unavailable with the &lt;destroy/&gt; (alternate venue, reason, its password).</summary>
    public StanzaError? Destroy(Jid realJid, Element destroy, List<RoomSend> sends)
    {
        if (AffiliationOf(realJid) != MucAffiliation.Owner)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "Only owners destroy the room.");
        }

        if (destroy.GetAttribute("jid") is { } venue && !Jid.TryParse(venue, out _))
        {
            return StanzaError.Of(StanzaErrorCondition.JidMalformed, "The alternate venue is not a JID.");
        }

        Close(destroy.GetAttribute("jid"), destroy, sends);
        return null;
    }

    private void Close(string? venue, Element? request, List<RoomSend> sends)
    {
        foreach (var occupant in _byNick.Values)
        {
            var presence = PresenceOf(occupant, occupant, unavailable: true, MucAffiliation.None, (x, _) =>
            {
                var destroy = x.AddElement("destroy");
                if (venue is not null)
                {
                    destroy.SetAttribute("jid", venue);
                }

                foreach (var child in request?.Children() ?? [])
                {
                    if (child.Name is "reason" or "password")
                    {
                        destroy.AddElement(child.Name).AddText(child.Text);
                    }
                }
            });
            SendTo(sends, OccupantJid(occupant.Nick), occupant, presence);
        }

        _departed.AddRange(_byRealJid.Keys);
        _byNick.Clear();
        _byRealJid.Clear();
        Gone = true;
    }
}
