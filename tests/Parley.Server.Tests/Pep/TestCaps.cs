using System.Security.Cryptography;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Pep;

/// <summary>
/// A test client's entity capabilities (XEP-0115): one client identity and a feature list, the
/// verification string computed by hand from §5.1 (so the server's computation is checked, not reused),
/// the presence that announces it and the answer to the server's disco#info query.
/// </summary>
internal sealed class TestCaps(params string[] features)
{
    public const string Node = "https://parley.test/client";

    public IReadOnlyList<string> Features { get; } = features;

    /// <summary>§5.1: "category/type/lang/name&lt;" then each feature sorted and followed by '&lt;', SHA-1, base64.</summary>
    public string Ver => Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(
        "client/pc//Parley test<" + string.Concat(Features.Order(StringComparer.Ordinal).Select(f => f + "<")))));

    /// <summary>How many disco#info queries this client answered.</summary>
    public int Asked { get; private set; }

    public string Presence(string inner = "", string? to = null) =>
        $"<presence{(to is null ? "" : $" to='{to}'")}>{inner}<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='{Node}' ver='{Ver}'/></presence>";

    /// <summary>The answer to a disco#info query for this client's caps node, or null when the element is something else.</summary>
    public string? Answer(Element element)
    {
        var query = element.Child("query", Namespaces.DiscoInfo);
        if (element.Name != "iq" || element.GetAttribute("type") != "get" || query is null)
        {
            return null;
        }

        Asked++;
        var features = string.Concat(Features.Select(f => $"<feature var='{f}'/>"));
        return $"<iq type='result' id='{element.GetAttribute("id")}' to='{element.GetAttribute("from")}'>"
            + $"<query xmlns='{Namespaces.DiscoInfo}' node='{query.GetAttribute("node")}'><identity category='client' type='pc' name='Parley test'/>{features}</query></iq>";
    }
}
