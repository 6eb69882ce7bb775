using System.Globalization;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>XEP-0045 §6: what the service and each room say of themselves in disco#info and disco#items.</summary>
internal static class MucDisco
{
    /// <summary>§6.1: the service is a text conference service.</summary>
    public static Element ServiceInfo()
    {
        var query = new Element("query", Namespaces.DiscoInfo);
        query.AddElement("identity").SetAttribute("category", "conference").SetAttribute("type", "text").SetAttribute("name", "Chatrooms");
        foreach (var feature in new[] { Namespaces.DiscoInfo, Namespaces.DiscoItems, Namespaces.Muc, Namespaces.OccupantId })
        {
            query.AddElement("feature").SetAttribute("var", feature);
        }

        return query;
    }

    /// <summary>§6.3: the public, unlocked rooms, with their names.</summary>
    public static Element ServiceItems(IEnumerable<Room> rooms)
    {
        var query = new Element("query", Namespaces.DiscoItems);
        foreach (var room in rooms)
        {
            var item = query.AddElement("item").SetAttribute("jid", room.Jid.ToString());
            item.SetAttribute("name", room.Config.Name.Length > 0 ? room.Config.Name : room.Jid.Local);
        }

        return query;
    }

    /// <summary>§6.4: the room's identity, its features (muc_*; XEP-0313 and XEP-0359 when it archives), and the muc#roominfo form.</summary>
    public static Element RoomInfo(Room room)
    {
        var config = room.Config;
        var query = new Element("query", Namespaces.DiscoInfo);
        query.AddElement("identity").SetAttribute("category", "conference").SetAttribute("type", "text")
            .SetAttribute("name", config.Name.Length > 0 ? config.Name : room.Jid.Local);
        string[] features =
        [
            Namespaces.Muc, Namespaces.DiscoInfo, Namespaces.OccupantId, Namespaces.MucSelfPing, Namespaces.Register,
            config.Public ? "muc_public" : "muc_hidden",
            config.Persistent ? "muc_persistent" : "muc_temporary",
            config.MembersOnly ? "muc_membersonly" : "muc_open",
            config.Moderated ? "muc_moderated" : "muc_unmoderated",
            config.NonAnonymous ? "muc_nonanonymous" : "muc_semianonymous",
            config.PasswordProtected ? "muc_passwordprotected" : "muc_unsecured",
        ];
        foreach (var feature in room.Archives ? [.. features, Namespaces.Mam, Namespaces.MamExtended, Namespaces.StanzaId] : features)
        {
            query.AddElement("feature").SetAttribute("var", feature);
        }

        var form = query.AddElement("x", Namespaces.DataForms).SetAttribute("type", "result");
        Field(form, "FORM_TYPE", Namespaces.MucRoomInfo).SetAttribute("type", "hidden");
        Field(form, "muc#roominfo_description", config.Description);
        Field(form, "muc#roominfo_subject", room.Subject ?? "");
        Field(form, "muc#roominfo_occupants", room.OccupantCount.ToString(CultureInfo.InvariantCulture));
        Field(form, "muc#roomconfig_roomname", config.Name);
        Field(form, "muc#roomconfig_changesubject", config.ChangeSubject ? "1" : "0");
        return query;
    }

    private static Element Field(Element form, string name, string value)
    {
        var field = form.AddElement("field").SetAttribute("var", name);
        field.AddElement("value").AddText(value);
        return field;
    }
}
