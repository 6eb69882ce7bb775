using Parley.Server.Connections;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// One room's state and the XEP-0045 use cases as actions on it, without sockets: each action takes
/// the stanza a user sent, changes the state, and appends what the room sends to a list
/// (<see cref="RoomSend"/>), or returns the error the sender is answered with. The service
/// (<see cref="MucService"/>) runs one action at a time per room and delivers the sends in order.
/// The partial files hold the use cases: presence (enter, change, exit), messages, the admin and the owner ones.
/// </summary>
internal sealed partial class Room
{
    private readonly RoomEnvironment _environment;
    private readonly Dictionary<string, Occupant> _byNick = new(StringComparer.Ordinal);
    private readonly Dictionary<Jid, Occupant> _byRealJid = [];
    private readonly Dictionary<Jid, MucAffiliation> _affiliations = [];
    private readonly List<Jid> _departed = [];

    public Room(Jid jid, Jid creator, RoomEnvironment environment, RoomConfig? config = null)
    {
        Jid = jid;
        Creator = creator.Bare;
        _environment = environment;
        Config = config ?? new RoomConfig { MaxUsers = environment.MaxOccupants, Archived = environment.ArchiveByDefault };
        History = new RoomHistory(environment.HistoryLength);
        if (config is null)
        {
            // §10.1.1: the creator is the owner, and the room stays locked until it is configured.
            _affiliations[Creator] = MucAffiliation.Owner;
            Locked = true;
        }
    }

    /// <summary>The room's bare JID.</summary>
    public Jid Jid { get; }

    /// <summary>Who created the room (Muc:MaxRoomsPerOwner counts it).</summary>
    public Jid Creator { get; }

    public RoomConfig Config { get; private set; }

    /// <summary>§10.1.1: a new room refuses everyone but its owner until configured (instant or reserved).</summary>
    public bool Locked { get; private set; }

    public string? Subject { get; private set; }

    public string SubjectBy { get; private set; } = "";

    public RoomHistory History { get; }

    /// <summary>Destroyed by its owner, or temporary and empty: the service forgets it.</summary>
    public bool Gone { get; private set; }

    /// <summary>Set when what a persistent room stores (configuration, affiliations, subject) changed; the service saves and clears it.</summary>
    public bool Dirty { get; set; }

    public int OccupantCount => _byNick.Count;

    public IEnumerable<Occupant> Occupants => _byNick.Values;

    public IReadOnlyDictionary<Jid, MucAffiliation> Affiliations => _affiliations;

    /// <summary>
    /// The real JIDs that left the room during the current action, by their own exit or sent away
    /// (kick, ban, membership lost, destruction); the service takes them to keep its index of who is
    /// where (<see cref="MucService"/>) exact.
    /// </summary>
    public List<Jid> Departed => _departed;

    public bool IsOccupant(Jid realJid) => _byRealJid.ContainsKey(realJid);

    public MucAffiliation AffiliationOf(Jid user) =>
        _affiliations.TryGetValue(user.Bare, out var affiliation) ? affiliation : MucAffiliation.None;

    /// <summary>Restores what a persistent room stored.</summary>
    public void Restore(IEnumerable<KeyValuePair<Jid, MucAffiliation>> affiliations, string? subject, string subjectBy)
    {
        foreach (var (user, affiliation) in affiliations)
        {
            _affiliations[user.Bare] = affiliation;
        }

        Subject = subject;
        SubjectBy = subjectBy;
    }

    /// <summary>§5.1.2: the role an affiliation starts with.</summary>
    private MucRole DefaultRole(MucAffiliation affiliation) => affiliation switch
    {
        MucAffiliation.Owner or MucAffiliation.Admin => MucRole.Moderator,
        MucAffiliation.Member => MucRole.Participant,
        _ => Config.Moderated ? MucRole.Visitor : MucRole.Participant,
    };

    private Jid OccupantJid(string nick) => Jid.WithResource(nick);

    private Occupant NewOccupant(string nick, Jid realJid, MucRole role, Element presence) =>
        new(nick, realJid, role, _environment.OccupantIdOf(Jid, realJid.Bare), presence,
            new TokenBucket(_environment.MessagesPerSecond, _environment.MessageBurst, _environment.Time));

    /// <summary>
    /// An occupant's presence as <paramref name="viewer"/> sees it (§7.2.3): the occupant's own
    /// payload, the muc#user item (the real JID only where the room's anonymity lets the viewer see
    /// it, §5.1.2/§7.2.4), status codes, and the XEP-0421 occupant-id.
    /// </summary>
    private Element PresenceOf(Occupant occupant, Occupant viewer, bool unavailable, MucAffiliation affiliation, Action<Element, Element>? decorate = null, params int[] codes)
    {
        var presence = new Element("presence", Namespaces.Client);
        presence.SetAttribute("from", OccupantJid(occupant.Nick).ToString()).SetAttribute("to", viewer.RealJid.ToString());
        if (unavailable)
        {
            presence.SetAttribute("type", "unavailable");
            if (occupant.Presence.Child("status", Namespaces.Client) is { } status)
            {
                presence.Add(status.Clone());
            }
        }
        else
        {
            foreach (var child in occupant.Presence.Children())
            {
                presence.Add(child.Clone());
            }
        }

        var x = presence.AddElement("x", Namespaces.MucUser);
        var item = x.AddElement("item")
            .SetAttribute("affiliation", MucNames.Of(affiliation))
            .SetAttribute("role", MucNames.Of(unavailable ? MucRole.None : occupant.Role));
        if (Config.NonAnonymous || viewer.Role == MucRole.Moderator || ReferenceEquals(viewer, occupant))
        {
            item.SetAttribute("jid", occupant.RealJid.ToString());
        }

        decorate?.Invoke(x, item);
        foreach (var code in codes)
        {
            x.AddElement("status").SetAttribute("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (ReferenceEquals(viewer, occupant))
        {
            // §7.2.3: the occupant's own presence carries 110.
            x.AddElement("status").SetAttribute("code", "110");
        }

        presence.AddElement("occupant-id", Namespaces.OccupantId).SetAttribute("id", occupant.OccupantId);
        return presence;
    }

    /// <summary>Sends an occupant's presence to every occupant, the occupant itself last (§7.2.3's order for the one who joins).</summary>
    private void BroadcastPresence(List<RoomSend> sends, Occupant occupant, bool unavailable, MucAffiliation affiliation, Action<Element, Element>? decorate = null, params int[] codes)
    {
        var from = OccupantJid(occupant.Nick);
        foreach (var viewer in _byNick.Values)
        {
            if (!ReferenceEquals(viewer, occupant))
            {
                SendTo(sends, from, viewer, PresenceOf(occupant, viewer, unavailable, affiliation, decorate, codes));
            }
        }

        if (_byRealJid.ContainsKey(occupant.RealJid))
        {
            SendTo(sends, from, occupant, PresenceOf(occupant, occupant, unavailable, affiliation, decorate, codes));
        }
    }

    /// <summary>
    /// A stanza to an occupant: one per session (a multi-session nick has several), 'to' set on
    /// each; the stanza itself goes to the last, so the usual single session costs no copy.
    /// </summary>
    private static void SendTo(List<RoomSend> sends, Jid from, Occupant occupant, Element stanza)
    {
        var sessions = occupant.Sessions;
        for (var i = 0; i < sessions.Count; i++)
        {
            var copy = i == sessions.Count - 1 ? stanza : stanza.Clone();
            sends.Add(new RoomSend(from, sessions[i], copy.SetAttribute("to", sessions[i].ToString())));
        }
    }

    private void Add(Occupant occupant)
    {
        _byNick.Add(occupant.Nick, occupant);
        _byRealJid.Add(occupant.RealJid, occupant);
    }

    /// <summary>The occupant leaves with every session it has.</summary>
    private void Remove(Occupant occupant)
    {
        _byNick.Remove(occupant.Nick);
        foreach (var session in occupant.Sessions)
        {
            _byRealJid.Remove(session);
            _departed.Add(session);
        }
    }

    /// <summary>A message from the room itself (status codes, invitations, subject), addressed to one real JID.</summary>
    private Element RoomMessage(Jid to, string? type = null)
    {
        var message = new Element("message", Namespaces.Client).SetAttribute("from", Jid.ToString()).SetAttribute("to", to.ToString());
        if (type is not null)
        {
            message.SetAttribute("type", type);
        }

        return message;
    }

    /// <summary>A room created by a join that failed has nobody in it: a temporary one ends there.</summary>
    public void CloseIfEmpty() => ForgetIfEmpty();

    /// <summary>The nick the real JID is in the room under, or null.</summary>
    public string? NickOf(Jid realJid) => _byRealJid.TryGetValue(realJid, out var occupant) ? occupant.Nick : null;

    private void ForgetIfEmpty()
    {
        // §10.9 / §10.1: a temporary room ends when its last occupant leaves.
        if (_byNick.Count == 0 && !Config.Persistent)
        {
            Gone = true;
        }
    }
}
