using System.Globalization;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// The node configuration form (XEP-0060 §8.2, XEP-0004) and publish-options (§7.1.5): rendered with
/// a node's values, and applied from a submission. An unknown field is not-acceptable; a value the
/// field does not admit is bad-request (XEP-0060 §8.2.5); nothing applies unless every field is valid.
/// </summary>
internal static class NodeConfigForm
{
    private const string AccessField = "pubsub#access_model";
    private const string MaxItemsField = "pubsub#max_items";
    private const string PersistField = "pubsub#persist_items";
    private const string SendLastField = "pubsub#send_last_published_item";
    private const string NotifyRetractField = "pubsub#notify_retract";
    private const string RosterGroupsField = "pubsub#roster_groups_allowed";

    public static Element Render(NodeConfig config)
    {
        var form = new Element("x", Namespaces.DataForms).SetAttribute("type", "form");
        Field(form, "FORM_TYPE", "hidden", PepNamespaces.NodeConfig);
        var access = Field(form, AccessField, "list-single", AccessName(config.Access));
        foreach (var model in Enum.GetValues<AccessModel>())
        {
            access.AddElement("option", Namespaces.DataForms).AddElement("value", Namespaces.DataForms).AddText(AccessName(model));
        }

        Field(form, MaxItemsField, "text-single", config.MaxItems?.ToString(CultureInfo.InvariantCulture) ?? "max");
        Field(form, PersistField, "boolean", config.PersistItems ? "1" : "0");
        Field(form, SendLastField, "list-single", SendLastName(config.SendLast));
        Field(form, NotifyRetractField, "boolean", config.NotifyRetract ? "1" : "0");
        var groups = Field(form, RosterGroupsField, "list-multi", null);
        foreach (var group in config.RosterGroupList)
        {
            groups.AddElement("value", Namespaces.DataForms).AddText(group);
        }

        return form;
    }

    /// <summary>Applies a submitted form to <paramref name="current"/>; the form's FORM_TYPE must be <paramref name="formType"/> when given.</summary>
    public static bool TryApply(Element form, NodeConfig current, int maxItemsLimit, string formType, out NodeConfig result, out StanzaError? error)
    {
        result = current;
        error = null;
        var config = current;
        foreach (var field in form.Children("field", Namespaces.DataForms))
        {
            var name = field.GetAttribute("var");
            var values = field.Children("value", Namespaces.DataForms).Select(v => v.Text).ToList();
            var value = values.Count > 0 ? values[0].Trim() : "";
            switch (name)
            {
                case "FORM_TYPE":
                    if (value != formType)
                    {
                        error = StanzaError.Of(StanzaErrorCondition.BadRequest, $"FORM_TYPE must be {formType}");
                        return false;
                    }

                    continue;
                case AccessField when TryParseAccess(value, out var access):
                    config = config with { Access = access };
                    continue;
                case MaxItemsField when value == "max":
                    config = config with { MaxItems = null };
                    continue;
                case MaxItemsField when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max >= 1:
                    if (max > maxItemsLimit)
                    {
                        error = StanzaError.Of(StanzaErrorCondition.NotAcceptable, $"A node keeps at most {maxItemsLimit} items");
                        return false;
                    }

                    config = config with { MaxItems = max };
                    continue;
                case PersistField when TryParseBoolean(value, out var persist):
                    config = config with { PersistItems = persist };
                    continue;
                case SendLastField when TryParseSendLast(value, out var sendLast):
                    config = config with { SendLast = sendLast };
                    continue;
                case NotifyRetractField when TryParseBoolean(value, out var notify):
                    config = config with { NotifyRetract = notify };
                    continue;
                case RosterGroupsField:
                    config = config with { RosterGroups = string.Join('\n', values.Select(v => v.Trim()).Where(v => v.Length > 0 && !v.Contains('\n', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) };
                    continue;
                case AccessField or MaxItemsField or PersistField or SendLastField or NotifyRetractField:
                    error = StanzaError.Of(StanzaErrorCondition.BadRequest, $"'{value}' is not a value of {name}");
                    return false;
                default:
                    // XEP-0060 §8.2.5: a field the service does not support.
                    error = StanzaError.Of(StanzaErrorCondition.NotAcceptable, $"Unsupported configuration field '{name}'");
                    return false;
            }
        }

        result = config;
        return true;
    }

    public static string AccessName(AccessModel access) => access switch
    {
        AccessModel.Open => "open",
        AccessModel.Roster => "roster",
        AccessModel.Whitelist => "whitelist",
        _ => "presence",
    };

    private static string SendLastName(SendLastPublishedItem sendLast) => sendLast switch
    {
        SendLastPublishedItem.Never => "never",
        SendLastPublishedItem.OnSub => "on_sub",
        _ => "on_sub_and_presence",
    };

    private static bool TryParseAccess(string value, out AccessModel access)
    {
        foreach (var model in Enum.GetValues<AccessModel>())
        {
            if (AccessName(model) == value)
            {
                access = model;
                return true;
            }
        }

        access = default;
        return false;
    }

    private static bool TryParseSendLast(string value, out SendLastPublishedItem sendLast)
    {
        foreach (var option in Enum.GetValues<SendLastPublishedItem>())
        {
            if (SendLastName(option) == value)
            {
                sendLast = option;
                return true;
            }
        }

        sendLast = default;
        return false;
    }

    /// <summary>XEP-0004 §3.3 boolean: "0"/"false" or "1"/"true".</summary>
    private static bool TryParseBoolean(string value, out bool result)
    {
        result = value is "1" or "true";
        return result || value is "0" or "false";
    }

    private static Element Field(Element form, string var, string type, string? value)
    {
        var field = form.AddElement("field", Namespaces.DataForms).SetAttribute("var", var).SetAttribute("type", type);
        if (value is not null)
        {
            field.AddElement("value", Namespaces.DataForms).AddText(value);
        }

        return field;
    }
}
