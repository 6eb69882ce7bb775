using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// A raw BOSH client (XEP-0124/0206) for conversation tests: exact &lt;body/&gt; texts are POSTed
/// to /http-bind over loopback HTTP and each response is parsed and asserted. Every wait is on an
/// HTTP response, with a timeout.
/// </summary>
internal sealed class RawBosh : IDisposable
{
    public const string HttpBind = "http://jabber.org/protocol/httpbind";

    private readonly HttpClient _http;

    public RawBosh(TestServer server, string? origin = null)
    {
        _http = new HttpClient { BaseAddress = server.HttpUri, Timeout = TimeSpan.FromSeconds(30) };
        if (origin is not null)
        {
            _http.DefaultRequestHeaders.Add("Origin", origin);
        }
    }

    public string? Sid { get; private set; }

    /// <summary>The rid of the last request sent; the next gets one more.</summary>
    public long Rid { get; private set; } = 1_000_000 + Random.Shared.Next(1000);

    /// <summary>XEP-0206 §3: the session creation request; returns the creation response.</summary>
    public async Task<Element> CreateAsync(int wait = 30, int hold = 1, string to = "localhost")
    {
        var response = await PostAsync(++Rid, $"<body xmlns='{HttpBind}' rid='{Rid}' to='{to}' xml:lang='en' wait='{wait}' hold='{hold}' ver='1.6' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh'/>");
        Sid = response.GetAttribute("sid");
        return response;
    }

    /// <summary>The next request in rid order, with these payloads and extra body attributes.</summary>
    public Task<Element> SendAsync(string payloads = "", string attributes = "") => PostAsync(++Rid, Body(Rid, payloads, attributes));

    public string Body(long rid, string payloads = "", string attributes = "") =>
        $"<body xmlns='{HttpBind}' sid='{Sid}' rid='{rid}' {attributes}>{payloads}</body>";

    public async Task<Element> PostAsync(long rid, string body) => Parse(await PostTextAsync(body));

    /// <summary>The exact response text, for comparing a retransmission byte for byte.</summary>
    public async Task<string> PostTextAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        using var response = await _http.PostAsync("/http-bind", content);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request) => await _http.SendAsync(request);

    /// <summary>Empty requests until one carries a payload; returns it (the server answers held requests after 'wait' at most).</summary>
    public async Task<Element> ExpectAsync(string name, string ns)
    {
        for (var i = 0; i < 10; i++)
        {
            var body = await SendAsync();
            if (body.Children().FirstOrDefault() is { } payload)
            {
                Assert.True(payload.Is(name, ns), $"Expected {{{ns}}}{name}, got {payload}");
                return payload;
            }
        }

        throw new TimeoutException($"No {name} came");
    }

    /// <summary>Creation, SASL PLAIN (loopback counts as secure), restart, bind: the bound full JID.</summary>
    public async Task<string> LoginAsync(string user, string password, string? resource = null)
    {
        var created = await CreateAsync();
        var features = created.Child("features", Namespaces.Streams) ?? await ExpectAsync("features", Namespaces.Streams);
        Assert.Null(features.Child("starttls", Namespaces.Tls));
        var auth = $"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"))}</auth>";
        var success = (await SendAsync(auth)).Children().FirstOrDefault() ?? await ExpectAsync("success", Namespaces.Sasl);
        Assert.True(success.Is("success", Namespaces.Sasl), success.ToString());
        var restarted = await SendAsync(attributes: "xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh' to='localhost' xml:lang='en'");
        var bound = restarted.Child("features", Namespaces.Streams) ?? await ExpectAsync("features", Namespaces.Streams);
        Assert.NotNull(bound.Child("bind", Namespaces.Bind));
        var request = resource is null ? "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>" : $"<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}</resource></bind>";
        var replied = await SendAsync($"<iq xmlns='jabber:client' type='set' id='bind1'>{request}</iq>");
        var reply = replied.Children().FirstOrDefault() ?? await ExpectAsync("iq", Namespaces.Client);
        Assert.Equal("result", reply.GetAttribute("type"));
        return reply.Child("bind", Namespaces.Bind)!.ChildText("jid", Namespaces.Bind)!;
    }

    public void Dispose() => _http.Dispose();

    public static void AssertTerminate(Element body, string? condition)
    {
        Assert.Equal("terminate", body.GetAttribute("type"));
        Assert.Equal(condition, body.GetAttribute("condition"));
    }

    public static Element Parse(string text)
    {
        var bytes = Encoding.UTF8.GetBytes("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>" + text);
        var reader = new XmppStreamReader();
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.True(reader.TryRead(ref sequence, out var opened) && opened.Kind == XmlStreamEventKind.StreamOpened);
        Assert.True(reader.TryRead(ref sequence, out var read) && read.Kind == XmlStreamEventKind.Element, $"Not one element: {text}");
        Assert.True(read.Element!.Is("body", HttpBind), $"Not a BOSH body: {text}");
        return read.Element!;
    }

    public static long Number(Element body, string attribute) => long.Parse(body.GetAttribute(attribute)!, CultureInfo.InvariantCulture);
}
