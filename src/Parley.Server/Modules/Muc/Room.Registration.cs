using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// XEP-0045 §7.10 registering with a room (a reserved nick, which makes the user a member), §7.12
/// discovering one's reserved nick, and the reservation holding at entrance (§7.2.9: another user
/// asking for it gets conflict).
/// </summary>
internal sealed partial class Room
{
    private const string RegisterForm = "http://jabber.org/protocol/muc#register";
    private const string NickField = "muc#register_roomnick";

    private readonly Dictionary<Jid, string> _reservedNicks = [];

    /// <summary>Reserved nicks by bare JID (stored with a persistent room).</summary>
    public IReadOnlyDictionary<Jid, string> ReservedNicks => _reservedNicks;

    /// <summary>Restores a stored reservation.</summary>
    public void Reserve(Jid user, string nick) => _reservedNicks[user.Bare] = nick;

    /// <summary>
    /// §7.10.1: the registration form, or &lt;registered/&gt; with the nick when the user holds one. An
    /// outcast is forbidden.
    /// </summary>
    public StanzaError? RegistrationForm(Jid user, out Element? answer)
    {
        answer = null;
        if (AffiliationOf(user) == MucAffiliation.Outcast)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "You are banned from this room.");
        }

        answer = new Element("query", Namespaces.Register);
        if (_reservedNicks.TryGetValue(user.Bare, out var reserved))
        {
            answer.AddElement("registered");
            answer.AddElement("username").AddText(reserved);
            return null;
        }

        answer.AddElement("instructions").AddText("Reserve a nickname in this room; you become a member.");
        var form = answer.AddElement("x", Namespaces.DataForms).SetAttribute("type", "form");
        form.AddElement("title", Namespaces.DataForms).AddText("Registration with " + Jid);
        var type = form.AddElement("field", Namespaces.DataForms).SetAttribute("var", "FORM_TYPE").SetAttribute("type", "hidden");
        type.AddElement("value", Namespaces.DataForms).AddText(RegisterForm);
        var nick = form.AddElement("field", Namespaces.DataForms).SetAttribute("var", NickField).SetAttribute("type", "text-single").SetAttribute("label", "Nickname");
        nick.AddElement("required", Namespaces.DataForms);
        return null;
    }

    /// <summary>
    /// §7.10.1 submitting the form (the nick is reserved and the user becomes a member, §7.10: the
    /// service makes registered users members), or XEP-0077 &lt;remove/&gt; (the reservation and a
    /// membership go). A nick another user holds or uses is conflict (§7.10.3), a form without one
    /// not-acceptable, a cancelled form changes nothing. A membership gained or lost reaches the
    /// occupants as an admin's change would (§9.3, §9.4).
    /// </summary>
    public StanzaError? Register(Jid user, Element query, List<RoomSend> sends)
    {
        var bare = user.Bare;
        if (AffiliationOf(user) == MucAffiliation.Outcast)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "You are banned from this room.");
        }

        if (query.Child("remove", Namespaces.Register) is not null)
        {
            _reservedNicks.Remove(bare);
            if (AffiliationOf(user) == MucAffiliation.Member)
            {
                ApplyAffiliation(bare, MucAffiliation.None, null, null, sends);
            }

            Dirty = true;
            return null;
        }

        var form = query.Child("x", Namespaces.DataForms);
        if (form?.GetAttribute("type") == "cancel")
        {
            return null;
        }

        var nick = form?.Children("field", Namespaces.DataForms).FirstOrDefault(f => f.GetAttribute("var") == NickField)?.ChildText("value", Namespaces.DataForms);
        if (form?.GetAttribute("type") != "submit" || string.IsNullOrEmpty(nick))
        {
            return StanzaError.Of(StanzaErrorCondition.NotAcceptable, "Fill in the nickname.");
        }

        if (!Jid.TryParse(Jid.ToString() + "/" + nick, out var occupantJid) || occupantJid.Resource != nick)
        {
            return StanzaError.Of(StanzaErrorCondition.JidMalformed, "That nickname is not valid.");
        }

        if (IsReservedByAnother(nick, bare) || (_byNick.TryGetValue(nick, out var holder) && !holder.RealJid.Bare.Equals(bare)))
        {
            return StanzaError.Of(StanzaErrorCondition.Conflict, "That nickname is someone else's.");
        }

        _reservedNicks[bare] = nick;
        if (AffiliationOf(user) == MucAffiliation.None)
        {
            ApplyAffiliation(bare, MucAffiliation.Member, null, null, sends);
        }

        Dirty = true;
        return null;
    }

    /// <summary>§7.12: the user's reserved nick as a disco#info identity (node x-roomuser-item); no identity when none.</summary>
    public Element ReservedNickInfo(Jid user)
    {
        var query = new Element("query", Namespaces.DiscoInfo).SetAttribute("node", "x-roomuser-item");
        if (_reservedNicks.TryGetValue(user.Bare, out var nick))
        {
            query.AddElement("identity").SetAttribute("category", "conference").SetAttribute("name", nick).SetAttribute("type", "text");
        }

        return query;
    }

    private bool IsReservedByAnother(string nick, Jid bare)
    {
        foreach (var (owner, reserved) in _reservedNicks)
        {
            if (reserved == nick && !owner.Equals(bare))
            {
                return true;
            }
        }

        return false;
    }
}
