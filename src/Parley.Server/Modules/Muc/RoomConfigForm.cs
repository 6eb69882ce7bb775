using System.Globalization;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// The owner's configuration form (XEP-0045 §10.2, XEP-0004): rendered with the room's current
/// values, and read back from a submission. An unknown field is not-acceptable; a value that is not
/// one the field admits is bad-request; nothing is applied unless every field is valid. The archiving
/// field (muc#roomconfig_enablearchiving, the name Prosody's rooms use) exists only while the server
/// archives (the Archive module is on).
/// </summary>
internal static class RoomConfigForm
{
    private const string Prefix = "muc#roomconfig_";

    public static Element Render(RoomConfig config, int maxOccupants, bool archiving)
    {
        var form = new Element("x", Namespaces.DataForms).SetAttribute("type", "form");
        form.AddElement("title", Namespaces.DataForms).AddText("Room configuration");
        Field(form, "FORM_TYPE", "hidden", null, Namespaces.MucRoomConfig);
        Field(form, Prefix + "roomname", "text-single", "Name", config.Name);
        Field(form, Prefix + "roomdesc", "text-single", "Description", config.Description);
        Field(form, Prefix + "persistentroom", "boolean", "Keep the room when it is empty", Bool(config.Persistent));
        Field(form, Prefix + "publicroom", "boolean", "List the room publicly", Bool(config.Public));
        Field(form, Prefix + "membersonly", "boolean", "Only members may enter", Bool(config.MembersOnly));
        Field(form, Prefix + "moderatedroom", "boolean", "Only occupants with voice may speak", Bool(config.Moderated));
        Field(form, Prefix + "passwordprotectedroom", "boolean", "A password is required to enter", Bool(config.PasswordProtected));
        Field(form, Prefix + "roomsecret", "text-private", "Password", config.Password);
        var maxUsers = Field(form, Prefix + "maxusers", "list-single", "Maximum number of occupants", config.MaxUsers.ToString(CultureInfo.InvariantCulture));
        foreach (var option in new[] { 10, 20, 50, 100, 200, 500, 1000, maxOccupants }.Where(n => n <= maxOccupants).Distinct())
        {
            Option(maxUsers, option.ToString(CultureInfo.InvariantCulture));
        }

        var whois = Field(form, Prefix + "whois", "list-single", "Who may see real JIDs", config.NonAnonymous ? "anyone" : "moderators");
        Option(whois, "moderators");
        Option(whois, "anyone");
        Field(form, Prefix + "changesubject", "boolean", "Participants may change the subject", Bool(config.ChangeSubject));
        Field(form, Prefix + "allowinvites", "boolean", "Occupants may invite others", Bool(config.AllowInvites));
        var pm = Field(form, Prefix + "allowpm", "list-single", "Who may send private messages", PrivateMessagesName(config.PrivateMessagesFrom));
        foreach (var value in new[] { "anyone", "participants", "moderators", "none" })
        {
            Option(pm, value);
        }

        if (archiving)
        {
            Field(form, Prefix + "enablearchiving", "boolean", "Archive the conversation (message archive, XEP-0313)", Bool(config.Archived));
        }

        return form;
    }

    /// <summary>Applies a submitted form (type 'submit') to <paramref name="current"/>; an empty submission keeps it (an instant room, §10.1.2).</summary>
    public static bool TryApply(Element form, RoomConfig current, int maxOccupants, bool archiving, out RoomConfig result, out StanzaError? error)
    {
        var config = current;
        result = current;
        error = null;
        bool? passwordProtected = null;
        foreach (var field in form.Children("field", Namespaces.DataForms))
        {
            var name = field.GetAttribute("var");
            var value = field.ChildText("value", Namespaces.DataForms) ?? "";
            var ok = name switch
            {
                "FORM_TYPE" => value == Namespaces.MucRoomConfig,
                Prefix + "roomname" => Text(value, v => config = config with { Name = v }),
                Prefix + "roomdesc" => Text(value, v => config = config with { Description = v }),
                Prefix + "persistentroom" => Boolean(value, v => config = config with { Persistent = v }),
                Prefix + "publicroom" => Boolean(value, v => config = config with { Public = v }),
                Prefix + "membersonly" => Boolean(value, v => config = config with { MembersOnly = v }),
                Prefix + "moderatedroom" => Boolean(value, v => config = config with { Moderated = v }),
                Prefix + "passwordprotectedroom" => Boolean(value, v => passwordProtected = v),
                Prefix + "roomsecret" => Text(value, v => config = config with { Password = v }),
                Prefix + "maxusers" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max >= 1 && max <= maxOccupants
                    && Set(() => config = config with { MaxUsers = max }),
                Prefix + "whois" => value is "moderators" or "anyone" && Set(() => config = config with { NonAnonymous = value == "anyone" }),
                Prefix + "changesubject" => Boolean(value, v => config = config with { ChangeSubject = v }),
                Prefix + "allowinvites" => Boolean(value, v => config = config with { AllowInvites = v }),
                Prefix + "allowpm" => TryParsePrivateMessages(value, out var from) && Set(() => config = config with { PrivateMessagesFrom = from }),
                Prefix + "enablearchiving" when archiving => Boolean(value, v => config = config with { Archived = v }),
                _ => (bool?)null,
            };
            if (ok is null)
            {
                error = StanzaError.Of(StanzaErrorCondition.NotAcceptable, $"Unknown configuration field {name}.");
                return false;
            }

            if (ok is false)
            {
                error = StanzaError.Of(StanzaErrorCondition.BadRequest, $"Invalid value for {name}.");
                return false;
            }
        }

        if (passwordProtected is false)
        {
            config = config with { Password = "" };
        }
        else if (passwordProtected is true && config.Password.Length == 0)
        {
            error = StanzaError.Of(StanzaErrorCondition.BadRequest, "A password-protected room needs a password.");
            return false;
        }

        result = config;
        return true;
    }

    private static string Bool(bool value) => value ? "1" : "0";

    private static bool Set(Action apply)
    {
        apply();
        return true;
    }

    private static bool Text(string value, Action<string> apply)
    {
        // Names and secrets are short labels; a bound keeps a stored room small.
        if (value.Length > 1024)
        {
            return false;
        }

        apply(value);
        return true;
    }

    private static bool Boolean(string value, Action<bool> apply)
    {
        // XEP-0004 §3.3: boolean values are 0, 1, false or true.
        switch (value)
        {
            case "1" or "true":
                apply(true);
                return true;
            case "0" or "false":
                apply(false);
                return true;
            default:
                return false;
        }
    }

    private static string PrivateMessagesName(MucRole from) => from switch
    {
        MucRole.Visitor => "anyone",
        MucRole.Participant => "participants",
        MucRole.Moderator => "moderators",
        _ => "none",
    };

    private static bool TryParsePrivateMessages(string value, out MucRole from)
    {
        from = value switch
        {
            "anyone" => MucRole.Visitor,
            "participants" => MucRole.Participant,
            "moderators" => MucRole.Moderator,
            _ => MucRole.None,
        };
        return value is "anyone" or "participants" or "moderators" or "none";
    }

    private static Element Field(Element form, string name, string type, string? label, string value)
    {
        var field = form.AddElement("field", Namespaces.DataForms).SetAttribute("var", name).SetAttribute("type", type);
        if (label is not null)
        {
            field.SetAttribute("label", label);
        }

        field.AddElement("value", Namespaces.DataForms).AddText(value);
        return field;
    }

    private static void Option(Element field, string value) =>
        field.AddElement("option", Namespaces.DataForms).AddElement("value", Namespaces.DataForms).AddText(value);
}
