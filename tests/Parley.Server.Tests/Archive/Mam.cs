using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Archive;

/// <summary>XEP-0313 steps the archive and carbons tests share, over <see cref="RawStream"/>.</summary>
internal static class Mam
{
    private static int _queries;

    /// <summary>One result message and what it forwards.</summary>
    internal sealed record Item(string Id, Element Forwarded, string Stamp, string? QueryId);

    /// <summary>The answer to one query: the result messages in order, then the IQ (result with fin, or error).</summary>
    internal sealed record Answer(List<Item> Items, Element Iq)
    {
        public Element Fin => Iq.Child("fin", Namespaces.Mam)!;

        public Element Set => Fin.Child("set", Namespaces.Rsm)!;

        public bool Complete => Fin.GetAttribute("complete") == "true";

        public string? First => Set.ChildText("first", Namespaces.Rsm);

        public string? FirstIndex => Set.Child("first", Namespaces.Rsm)?.GetAttribute("index");

        public string? Last => Set.ChildText("last", Namespaces.Rsm);

        public int Count => int.Parse(Set.ChildText("count", Namespaces.Rsm)!, System.Globalization.CultureInfo.InvariantCulture);

        public List<string?> Bodies => [.. Items.Select(i => i.Forwarded.ChildText("body", Namespaces.Client))];

        public List<string> Ids => [.. Items.Select(i => i.Id)];
    }

    /// <summary>A form field for <see cref="QueryAsync"/>.</summary>
    public static string Field(string var, params string[] values) =>
        $"<field var='{var}'>{string.Concat(values.Select(v => $"<value>{v}</value>"))}</field>";

    /// <summary>Sends a query with the given form fields and RSM set content (both optional) and collects the answer.</summary>
    public static async Task<Answer> QueryAsync(RawStream client, string fields = "", string rsm = "", string extra = "", string to = "")
    {
        var n = Interlocked.Increment(ref _queries);
        var queryId = "q" + n;
        var form = fields.Length == 0 ? "" : $"<x xmlns='jabber:x:data' type='submit'>{Field("FORM_TYPE", Namespaces.Mam)}{fields}</x>";
        var set = rsm.Length == 0 ? "" : $"<set xmlns='http://jabber.org/protocol/rsm'>{rsm}</set>";
        var toAttribute = to.Length == 0 ? "" : $" to='{to}'";
        await client.SendAsync($"<iq type='set' id='mam{n}'{toAttribute}><query xmlns='urn:xmpp:mam:2' queryid='{queryId}'>{form}{set}{extra}</query></iq>");
        var items = new List<Item>();
        while (true)
        {
            var element = await client.ExpectAsync();
            if (element.Name == "message" && element.Child("result", Namespaces.Mam) is { } result)
            {
                var forwarded = result.Child("forwarded", Namespaces.Forward)!;
                items.Add(new Item(
                    result.GetAttribute("id")!,
                    forwarded.Child("message", Namespaces.Client)!,
                    forwarded.Child("delay", Namespaces.Delay)!.GetAttribute("stamp")!,
                    result.GetAttribute("queryid")));
            }
            else if (element.Name == "iq" && element.GetAttribute("id") == $"mam{n}")
            {
                return new Answer(items, element);
            }
        }
    }

    /// <summary>The stanza-id the server stamped for the account, or null.</summary>
    public static string? StanzaId(Element message, string by) =>
        message.Children("stanza-id", Namespaces.StanzaId).FirstOrDefault(s => s.GetAttribute("by") == by)?.GetAttribute("id");
}
