using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// XEP-0045 §8–§10 through muc#admin: moderators change roles (kick, voice, §8.2–§8.5), admins and
/// owners change affiliations (ban, member, admin, owner, §9–§10) and read the lists. A request is
/// checked whole before any item applies; the last owner cannot be removed (§10.6–§10.7: conflict).
/// </summary>
internal sealed partial class Room
{
    /// <summary>§8.5 / §9.5 / §10.5: the occupants of a role (moderators may ask) or the users of an affiliation (admins and owners may ask).</summary>
    public StanzaError? AdminList(Jid realJid, Element query, out Element? result)
    {
        result = null;
        var request = query.Child("item", Namespaces.MucAdmin);
        var list = new Element("query", Namespaces.MucAdmin);
        if (MucNames.TryParse(request?.GetAttribute("affiliation"), out MucAffiliation affiliation))
        {
            if (AffiliationOf(realJid) < MucAffiliation.Admin)
            {
                return StanzaError.Of(StanzaErrorCondition.Forbidden, "Only admins and owners read affiliation lists.");
            }

            foreach (var (user, held) in _affiliations.Where(a => a.Value == affiliation).OrderBy(a => a.Key.ToString(), StringComparer.Ordinal))
            {
                list.AddElement("item").SetAttribute("affiliation", MucNames.Of(held)).SetAttribute("jid", user.ToString());
            }
        }
        else if (MucNames.TryParse(request?.GetAttribute("role"), out MucRole role))
        {
            if (!_byRealJid.TryGetValue(realJid, out var asker) || asker.Role != MucRole.Moderator)
            {
                return StanzaError.Of(StanzaErrorCondition.Forbidden, "Only moderators read role lists.");
            }

            foreach (var occupant in _byNick.Values.Where(o => o.Role == role))
            {
                list.AddElement("item").SetAttribute("role", MucNames.Of(role)).SetAttribute("nick", occupant.Nick)
                    .SetAttribute("affiliation", MucNames.Of(AffiliationOf(occupant.RealJid))).SetAttribute("jid", occupant.RealJid.ToString());
            }
        }
        else
        {
            return StanzaError.Of(StanzaErrorCondition.BadRequest, "Ask for one role or one affiliation.");
        }

        result = list;
        return null;
    }

    /// <summary>§8–§10: a set of role changes (by nick) and affiliation changes (by JID), all checked before any applies.</summary>
    public StanzaError? AdminChange(Jid realJid, Element query, List<RoomSend> sends)
    {
        var actorAffiliation = AffiliationOf(realJid);
        _byRealJid.TryGetValue(realJid, out var actor);
        var roles = new List<(Occupant Target, MucRole Role, string? Reason)>();
        var affiliations = new Dictionary<Jid, (MucAffiliation Affiliation, string? Reason)>();
        foreach (var item in query.Children("item", Namespaces.MucAdmin))
        {
            var reason = item.ChildText("reason", Namespaces.MucAdmin);
            if (item.GetAttribute("affiliation") is { } affiliationName)
            {
                if (!MucNames.TryParse(affiliationName, out MucAffiliation affiliation))
                {
                    return StanzaError.Of(StanzaErrorCondition.BadRequest, $"Unknown affiliation {affiliationName}.");
                }

                Jid? user = null;
                if (item.GetAttribute("jid") is { } jidText)
                {
                    if (!Jid.TryParse(jidText, out user))
                    {
                        return StanzaError.Of(StanzaErrorCondition.JidMalformed);
                    }
                }
                else if (item.GetAttribute("nick") is { } byNick && _byNick.TryGetValue(byNick, out var named))
                {
                    user = named.RealJid;
                }

                if (user is null)
                {
                    return StanzaError.Of(StanzaErrorCondition.BadRequest, "An affiliation change names a JID.");
                }

                if (CheckAffiliationChange(actorAffiliation, AffiliationOf(user), affiliation) is { } refused)
                {
                    return refused;
                }

                affiliations[user.Bare] = (affiliation, reason);
            }
            else if (MucNames.TryParse(item.GetAttribute("role"), out MucRole role))
            {
                if (item.GetAttribute("nick") is not { } nick || !_byNick.TryGetValue(nick, out var target))
                {
                    return StanzaError.Of(StanzaErrorCondition.ItemNotFound, "No occupant has that nickname.");
                }

                if (CheckRoleChange(actor, actorAffiliation, target, AffiliationOf(target.RealJid), role) is { } refused)
                {
                    return refused;
                }

                roles.Add((target, role, reason));
            }
            else
            {
                return StanzaError.Of(StanzaErrorCondition.BadRequest, "Each item changes a role or an affiliation.");
            }
        }

        var owners = _affiliations.Where(a => a.Value == MucAffiliation.Owner).Select(a => a.Key)
            .Where(o => !affiliations.TryGetValue(o, out var change) || change.Affiliation == MucAffiliation.Owner)
            .Concat(affiliations.Where(a => a.Value.Affiliation == MucAffiliation.Owner).Select(a => a.Key))
            .Distinct().Count();
        if (owners == 0)
        {
            return StanzaError.Of(StanzaErrorCondition.Conflict, "The room must keep an owner.");
        }

        var actorNick = actor?.Nick;
        foreach (var (user, (affiliation, reason)) in affiliations)
        {
            ApplyAffiliation(user, affiliation, reason, actorNick, sends);
        }

        foreach (var (target, role, reason) in roles)
        {
            if (!_byNick.ContainsKey(target.Nick) || !ReferenceEquals(_byNick[target.Nick], target))
            {
                // Removed by an affiliation change of the same request.
                continue;
            }

            if (role == MucRole.None)
            {
                RemoveOccupant(target, 307, reason, actorNick, sends);
            }
            else
            {
                target.Role = role;
                BroadcastPresence(sends, target, unavailable: false, AffiliationOf(target.RealJid), Decorate(reason, actorNick));
            }
        }

        return null;
    }

    /// <summary>§8.2–§8.5, §9.6–§9.7: moderators change voice and kick; only admins and owners grant or revoke moderator; nobody kicks or silences an admin or owner.</summary>
    private static StanzaError? CheckRoleChange(Occupant? actor, MucAffiliation actorAffiliation, Occupant target, MucAffiliation targetAffiliation, MucRole role)
    {
        if (actor is null || actor.Role != MucRole.Moderator)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "Only moderators change roles.");
        }

        if (targetAffiliation >= MucAffiliation.Admin && role < MucRole.Moderator)
        {
            // §8.2: an admin or owner cannot be kicked or silenced; their affiliation must change first.
            return StanzaError.Of(StanzaErrorCondition.NotAllowed, "Admins and owners keep their role.");
        }

        if ((role == MucRole.Moderator || target.Role == MucRole.Moderator) && actorAffiliation < MucAffiliation.Admin)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "Only admins and owners grant or revoke moderator.");
        }

        return null;
    }

    /// <summary>§9: admins manage members and outcasts below them; §10: owners manage every affiliation.</summary>
    private static StanzaError? CheckAffiliationChange(MucAffiliation actor, MucAffiliation current, MucAffiliation wanted)
    {
        if (actor < MucAffiliation.Admin)
        {
            return StanzaError.Of(StanzaErrorCondition.Forbidden, "Only admins and owners change affiliations.");
        }

        if (actor == MucAffiliation.Admin && (current >= MucAffiliation.Admin || wanted >= MucAffiliation.Admin))
        {
            return StanzaError.Of(StanzaErrorCondition.NotAllowed, "Admins cannot change admins or owners.");
        }

        return null;
    }

    private void ApplyAffiliation(Jid user, MucAffiliation affiliation, string? reason, string? actorNick, List<RoomSend> sends)
    {
        if (affiliation == MucAffiliation.None)
        {
            _affiliations.Remove(user);
        }
        else
        {
            _affiliations[user] = affiliation;
        }

        Dirty = true;
        foreach (var occupant in _byNick.Values.Where(o => o.RealJid.Bare.Equals(user)).ToList())
        {
            if (affiliation == MucAffiliation.Outcast)
            {
                // §9.1: a ban removes the user with 301.
                RemoveOccupant(occupant, 301, reason, actorNick, sends);
            }
            else if (Config.MembersOnly && affiliation < MucAffiliation.Member)
            {
                // §9.4: losing membership of a members-only room removes the user with 321.
                RemoveOccupant(occupant, 321, reason, actorNick, sends);
            }
            else
            {
                occupant.Role = affiliation >= MucAffiliation.Admin ? MucRole.Moderator
                    : occupant.Role == MucRole.Moderator || occupant.Role == MucRole.Visitor ? DefaultRole(affiliation)
                    : occupant.Role;
                BroadcastPresence(sends, occupant, unavailable: false, affiliation, Decorate(reason, actorNick));
            }
        }
    }

    /// <summary>Removes an occupant the room sends away (kick 307, ban 301, membership lost 321/322), with the reason and the actor (§8.2, §9.1).</summary>
    private void RemoveOccupant(Occupant occupant, int code, string? reason, string? actorNick, List<RoomSend> sends)
    {
        BroadcastPresence(sends, occupant, unavailable: true, AffiliationOf(occupant.RealJid), Decorate(reason, actorNick), code);
        Remove(occupant);
        ForgetIfEmpty();
    }

    private static Action<Element, Element>? Decorate(string? reason, string? actorNick) =>
        reason is null && actorNick is null ? null : (_, item) =>
        {
            if (actorNick is not null)
            {
                item.AddElement("actor").SetAttribute("nick", actorNick);
            }

            if (reason is not null)
            {
                item.AddElement("reason").AddText(reason);
            }
        };
}
