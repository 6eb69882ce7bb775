using System.Globalization;
using Parley.Server.Storage;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// What a persistent room keeps across restarts, as one element stored as XML text (StoredXml):
/// the creator, the configuration, the affiliations, the reserved nicks (§7.10) and the subject. Occupants and history are
/// not kept: every occupant rejoins after a restart (the room's archive, when it keeps one, is in
/// the archive's own table).
/// </summary>
internal static class RoomSnapshot
{
    private const string Ns = "urn:parley:muc:room";

    public static string Write(Room room)
    {
        var c = room.Config;
        var root = new Element("room", Ns).SetAttribute("creator", room.Creator.ToString());
        root.AddElement("config")
            .SetAttribute("name", c.Name).SetAttribute("description", c.Description)
            .SetAttribute("public", Flag(c.Public)).SetAttribute("membersonly", Flag(c.MembersOnly))
            .SetAttribute("moderated", Flag(c.Moderated)).SetAttribute("password", c.Password)
            .SetAttribute("maxusers", c.MaxUsers.ToString(CultureInfo.InvariantCulture))
            .SetAttribute("nonanonymous", Flag(c.NonAnonymous)).SetAttribute("changesubject", Flag(c.ChangeSubject))
            .SetAttribute("allowinvites", Flag(c.AllowInvites)).SetAttribute("pm", MucNames.Of(c.PrivateMessagesFrom))
            .SetAttribute("archived", Flag(c.Archived));
        foreach (var (user, affiliation) in room.Affiliations)
        {
            root.AddElement("affiliation").SetAttribute("jid", user.ToString()).SetAttribute("value", MucNames.Of(affiliation));
        }

        foreach (var (user, nick) in room.ReservedNicks)
        {
            root.AddElement("nick").SetAttribute("jid", user.ToString()).SetAttribute("value", nick);
        }

        if (room.Subject is not null)
        {
            root.AddElement("subject").SetAttribute("by", room.SubjectBy).AddText(room.Subject);
        }

        return StoredXml.Write(root);
    }

    public static Room Read(Jid jid, string xml, RoomEnvironment environment)
    {
        var root = StoredXml.Read(xml);
        var c = root.Child("config", Ns)!;
        MucNames.TryParse(c.GetAttribute("pm"), out MucRole pm);
        var config = new RoomConfig
        {
            Name = c.GetAttribute("name") ?? "",
            Description = c.GetAttribute("description") ?? "",
            Persistent = true,
            Public = c.GetAttribute("public") == "1",
            MembersOnly = c.GetAttribute("membersonly") == "1",
            Moderated = c.GetAttribute("moderated") == "1",
            Password = c.GetAttribute("password") ?? "",
            MaxUsers = Math.Min(environment.MaxOccupants, int.Parse(c.GetAttribute("maxusers") ?? "1", CultureInfo.InvariantCulture)),
            NonAnonymous = c.GetAttribute("nonanonymous") == "1",
            ChangeSubject = c.GetAttribute("changesubject") == "1",
            AllowInvites = c.GetAttribute("allowinvites") == "1",
            PrivateMessagesFrom = pm,

            // Rooms stored before room archives existed take the service's default.
            Archived = c.GetAttribute("archived") is { } archived ? archived == "1" : environment.ArchiveByDefault,
        };
        var room = new Room(jid, Jid.Parse(root.GetAttribute("creator")!), environment, config);
        var affiliations = new List<KeyValuePair<Jid, MucAffiliation>>();
        foreach (var item in root.Children("affiliation", Ns))
        {
            if (Jid.TryParse(item.GetAttribute("jid"), out var user) && MucNames.TryParse(item.GetAttribute("value"), out MucAffiliation affiliation))
            {
                affiliations.Add(new(user, affiliation));
            }
        }

        foreach (var item in root.Children("nick", Ns))
        {
            if (Jid.TryParse(item.GetAttribute("jid"), out var user) && item.GetAttribute("value") is { Length: > 0 } nick)
            {
                room.Reserve(user, nick);
            }
        }

        var subject = root.Child("subject", Ns);
        room.Restore(affiliations, subject?.Text, subject?.GetAttribute("by") ?? "");
        return room;
    }

    private static string Flag(bool value) => value ? "1" : "0";
}
