using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Roster;

/// <summary>
/// A logged-in raw client for IM tests. Stanzas arrive in an order the tests cannot always fix
/// (a push and a delivery from one change), so <see cref="WaitForAsync"/> keeps what it skipped
/// for later waits, and <see cref="QuietAsync"/> proves something did not arrive by pinging the
/// server: the answer comes after anything sent before it.
/// </summary>
internal sealed class ImClient : IAsyncDisposable
{
    private readonly List<Element> _inbox = [];
    private int _nextId;

    private ImClient(RawStream raw, string jid)
    {
        Raw = raw;
        Jid = jid;
    }

    public RawStream Raw { get; }

    /// <summary>The bound full JID.</summary>
    public string Jid { get; }

    public string Bare => Jid[..Jid.IndexOf('/', StringComparison.Ordinal)];

    public static async Task<ImClient> LoginAsync(TestServer server, string user, string resource)
    {
        var raw = await RawStream.ConnectAsync(server.C2s);
        var jid = await raw.LoginAsync(user, "secret", resource, RawStream.HeaderTo(server.HostDomain));
        return new ImClient(raw, jid);
    }

    public Task SendAsync(string xml) => Raw.SendAsync(xml);

    /// <summary>
    /// When set, the disco#info queries the server sends this client (XEP-0115 §6.3: asking what a
    /// caps ver stands for) are answered while waiting, as a client's library would, with this answer.
    /// </summary>
    public Pep.TestCaps? Caps { get; set; }

    /// <summary>The first stanza (kept or new) that matches; others are kept for later.</summary>
    public async Task<Element> WaitForAsync(Func<Element, bool> match, string what)
    {
        var kept = _inbox.FindIndex(e => match(e));
        if (kept >= 0)
        {
            var found = _inbox[kept];
            _inbox.RemoveAt(kept);
            return found;
        }

        for (var i = 0; i < 100; i++)
        {
            var next = await Raw.NextAsync();
            Assert.True(next is { Kind: Parley.Xmpp.Xml.XmlStreamEventKind.Element }, $"Waiting for {what}: the stream ended or sent {next?.Kind}");
            var element = next!.Value.Element!;
            if (Caps?.Answer(element) is { } answer)
            {
                await SendAsync(answer);
                continue;
            }

            if (match(element))
            {
                return element;
            }

            _inbox.Add(element);
        }

        throw new Xunit.Sdk.XunitException($"{what} never arrived; got {string.Join(", ", _inbox)}");
    }

    /// <summary>Whether a matching stanza arrived earlier and is kept unread: a check of arrival order.</summary>
    public bool ArrivedEarlier(Func<Element, bool> match) => _inbox.Exists(e => match(e));

    /// <summary>Sends an IQ and returns its answer (result or error).</summary>
    public async Task<Element> IqAsync(string type, string payload, string? to = null)
    {
        var id = "q" + ++_nextId;
        var toAttribute = to is null ? "" : $" to='{to}'";
        await SendAsync($"<iq type='{type}' id='{id}'{toAttribute}>{payload}</iq>");
        return await WaitForAsync(e => e.Name == "iq" && e.GetAttribute("id") == id && e.GetAttribute("type") is "result" or "error", $"the answer to {id}");
    }

    public Task<Element> RosterAsync(string? ver = null) =>
        IqAsync("get", ver is null ? "<query xmlns='jabber:iq:roster'/>" : $"<query xmlns='jabber:iq:roster' ver='{ver}'/>");

    public Task<Element> SetItemAsync(string itemXml) => IqAsync("set", $"<query xmlns='jabber:iq:roster'>{itemXml}</query>");

    /// <summary>The next roster push about the contact; the push is acknowledged as RFC 6121 §2.1.6 asks.</summary>
    public async Task<Element> PushAsync(string contact)
    {
        var push = await WaitForAsync(
            e => e.Name == "iq" && e.GetAttribute("type") == "set" && Item(e)?.GetAttribute("jid") == contact,
            $"a roster push for {contact}");
        await SendAsync($"<iq type='result' id='{push.GetAttribute("id")}'/>");
        return Item(push)!;
    }

    public Task<Element> PresenceAsync(string from, string? type = null) =>
        WaitForAsync(e => e.Name == "presence" && e.GetAttribute("from") == from && e.GetAttribute("type") == type, $"presence type={type ?? "available"} from {from}");

    /// <summary>Asserts that nothing matching arrived (kept or before the answer to a ping).</summary>
    public async Task QuietAsync(Func<Element, bool> unwanted)
    {
        await IqAsync("get", "<ping xmlns='urn:xmpp:ping'/>");
        var seen = _inbox.Where(unwanted).ToList();
        Assert.True(seen.Count == 0, "Unexpected: " + string.Join(", ", seen));
    }

    /// <summary>Asserts that no stanza at all is waiting or arrives before a ping's answer.</summary>
    public Task QuietAsync() => QuietAsync(e => e.Name != "iq" || e.GetAttribute("type") == "set");

    public static Element? Item(Element iq) => iq.Child("query", RosterNamespace)?.Child("item", RosterNamespace);

    public const string RosterNamespace = "jabber:iq:roster";

    public static string? Condition(Element stanza) =>
        stanza.Child("error", Namespaces.Client)?.Children().FirstOrDefault(c => c.Namespace == Namespaces.Stanzas && c.Name != "text")?.Name;

    public ValueTask DisposeAsync() => Raw.DisposeAsync();
}
