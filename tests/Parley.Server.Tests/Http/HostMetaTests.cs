using System.Text.Json;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Http;

/// <summary>XEP-0156 §3: host-meta and host-meta.json name the WebSocket and BOSH endpoints, readable from any origin.</summary>
public sealed class HostMetaTests
{
    [Fact]
    [Trait("Conformance", "XEP-0156 §3")]
    public async Task Host_meta_lists_the_websocket_and_bosh_endpoints_in_xrd_and_json()
    {
        await using var server = await TestServer.StartAsync(("Http:Port", "5280"));
        using var http = new HttpClient { BaseAddress = server.HttpUri };
        var expected = $"ws://{server.Http}/xmpp-websocket";
        var bosh = $"http://{server.Http}/http-bind";

        using var xrd = await http.GetAsync("/.well-known/host-meta");
        xrd.EnsureSuccessStatusCode();
        Assert.Equal("application/xrd+xml", xrd.Content.Headers.ContentType!.MediaType);
        Assert.Equal("*", xrd.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var document = System.Xml.Linq.XDocument.Parse(await xrd.Content.ReadAsStringAsync());
        var link = Assert.Single(document.Root!.Elements(System.Xml.Linq.XName.Get("Link", "http://docs.oasis-open.org/ns/xri/xrd-1.0")),
            l => (string?)l.Attribute("rel") == "urn:xmpp:alt-connections:websocket");
        Assert.Equal(expected, (string?)link.Attribute("href"));
        var boshLink = Assert.Single(document.Root!.Elements(System.Xml.Linq.XName.Get("Link", "http://docs.oasis-open.org/ns/xri/xrd-1.0")),
            l => (string?)l.Attribute("rel") == "urn:xmpp:alt-connections:xbosh");
        Assert.Equal(bosh, (string?)boshLink.Attribute("href"));

        using var jrd = await http.GetAsync("/.well-known/host-meta.json");
        jrd.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await jrd.Content.ReadAsStringAsync());
        var links = json.RootElement.GetProperty("links").EnumerateArray().ToList();
        Assert.Contains(links, l => l.GetProperty("rel").GetString() == "urn:xmpp:alt-connections:websocket" && l.GetProperty("href").GetString() == expected);
        Assert.Contains(links, l => l.GetProperty("rel").GetString() == "urn:xmpp:alt-connections:xbosh" && l.GetProperty("href").GetString() == bosh);
    }

    [Fact]
    public async Task Unknown_paths_are_404_and_a_flood_from_one_address_gets_429()
    {
        await using var server = await TestServer.StartAsync(("Http:Port", "5280"), ("Http:RequestsPerSecond", "1"), ("Http:RequestBurst", "3"));
        using var http = new HttpClient { BaseAddress = server.HttpUri };
        using var missing = await http.GetAsync("/nothing-here");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        var statuses = new List<System.Net.HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await http.GetAsync("/.well-known/host-meta");
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(System.Net.HttpStatusCode.TooManyRequests, statuses);
    }
}
