using System.Security.Cryptography;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Caps;

/// <summary>XEP-0115 §5.1 and §5.4: the verification string of a disco#info answer, hashed.</summary>
internal static class CapsVerification
{
    /// <summary>The base64 hash of the verification string, or null when the hash function is not one this server computes.</summary>
    public static string? Compute(string hash, Element query)
    {
        var input = Encoding.UTF8.GetBytes(VerificationString(query));
        byte[]? digest = hash switch
        {
            "sha-1" => SHA1.HashData(input),
            "sha-256" => SHA256.HashData(input),
            "sha-512" => SHA512.HashData(input),
            _ => null,
        };
        return digest is null ? null : Convert.ToBase64String(digest);
    }

    /// <summary>
    /// §5.1: identities "category/type/lang/name" sorted, then features sorted, each followed by '&lt;';
    /// then each extended form (§5.4 step 3) sorted by FORM_TYPE: the FORM_TYPE, then its fields sorted
    /// by var, each var then its values sorted. Sorting is by octets (i;octet).
    /// </summary>
    public static string VerificationString(Element query)
    {
        var text = new StringBuilder();
        foreach (var identity in query.Children("identity", Namespaces.DiscoInfo)
            .Select(i => $"{i.GetAttribute("category")}/{i.GetAttribute("type")}/{i.Lang}/{i.GetAttribute("name")}")
            .Order(StringComparer.Ordinal))
        {
            text.Append(identity).Append('<');
        }

        foreach (var feature in query.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var") ?? "").Order(StringComparer.Ordinal))
        {
            text.Append(feature).Append('<');
        }

        var forms = query.Children("x", Namespaces.DataForms)
            .Select(x => (Form: x, Type: x.Children("field", Namespaces.DataForms).FirstOrDefault(f => f.GetAttribute("var") == "FORM_TYPE")?.ChildText("value", Namespaces.DataForms)))
            .Where(f => f.Type is not null)
            .OrderBy(f => f.Type, StringComparer.Ordinal);
        foreach (var (form, type) in forms)
        {
            text.Append(type).Append('<');
            foreach (var field in form.Children("field", Namespaces.DataForms)
                .Where(f => f.GetAttribute("var") is { } var && var != "FORM_TYPE")
                .OrderBy(f => f.GetAttribute("var"), StringComparer.Ordinal))
            {
                text.Append(field.GetAttribute("var")).Append('<');
                foreach (var value in field.Children("value", Namespaces.DataForms).Select(v => v.Text).Order(StringComparer.Ordinal))
                {
                    text.Append(value).Append('<');
                }
            }
        }

        return text.ToString();
    }
}
