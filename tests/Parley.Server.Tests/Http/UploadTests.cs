using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Http;

/// <summary>
/// HTTP File Upload (XEP-0363) on upload.localhost with the plain loopback HTTP listener: slots from
/// the service, one PUT per slot, GETs with ranges, and the abuse cases (oversize, wrong length or
/// type, unknown, reused and expired slots, traversal, quota).
/// </summary>
public sealed class UploadTests
{
    private const string Service = "upload.localhost";

    private static readonly (string, string)[] Http = [("Http:Port", "5280")];

    [Fact]
    [Trait("Conformance", "XEP-0363 §3 §4 §5")]
    public async Task A_file_uploaded_through_a_slot_is_downloaded_by_another_user_with_ranges()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Modules:Upload:MaxFileBytes", "1000000")]);
        var (juliet, romeo) = await LoginAsync(server);
        await using var _ = juliet;
        await using var __ = romeo;

        var info = await juliet.AskAsync($"<iq type='get' id='i1' to='{Service}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        var query = info.Child("query", Namespaces.DiscoInfo)!;
        Assert.Contains(query.Children("feature", Namespaces.DiscoInfo), f => f.GetAttribute("var") == Namespaces.HttpUpload);
        Assert.Contains(query.Children("identity", Namespaces.DiscoInfo), i => i.GetAttribute("category") == "store" && i.GetAttribute("type") == "file");
        var maxField = query.Child("x", Namespaces.DataForms)!.Children("field", Namespaces.DataForms).Single(f => f.GetAttribute("var") == "max-file-size");
        Assert.Equal("1000000", maxField.ChildText("value", Namespaces.DataForms));

        var content = "hello, file ünï"u8.ToArray();
        var (put, get) = await SlotAsync(juliet, "notes été.txt", content.Length, "text/plain");
        Assert.StartsWith($"http://localhost:{server.Http.Port}/upload/", put, StringComparison.Ordinal);
        using var http = new HttpClient();
        using (var response = await PutAsync(http, server, put, content, "text/plain"))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using (var download = await http.GetAsync(Local(server, get)))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("text/plain", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        }

        // RFC 9110 §14: a range of the file.
        using var ranged = new HttpRequestMessage(HttpMethod.Get, Local(server, get));
        ranged.Headers.Range = new RangeHeaderValue(2, 5);
        using (var partial = await http.SendAsync(ranged))
        {
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(content[2..6], await partial.Content.ReadAsByteArrayAsync());
        }

        // The slot was used: a second PUT is refused, the file unchanged.
        using (var again = await PutAsync(http, server, put, content, "text/plain"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0363 §4.2")]
    public async Task A_slot_above_the_maximum_gets_file_too_large_with_the_maximum()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Modules:Upload:MaxFileBytes", "1000")]);
        var (juliet, romeo) = await LoginAsync(server);
        await using var _ = juliet;
        await using var __ = romeo;
        var reply = await juliet.AskAsync($"<iq type='get' id='s1' to='{Service}'><request xmlns='urn:xmpp:http:upload:0' filename='big.bin' size='1001'/></iq>");
        Assert.Equal("error", reply.GetAttribute("type"));
        Assert.Equal("not-acceptable", Exchange.Condition(reply));
        var tooLarge = reply.Child("error", Namespaces.Client)!.Child("file-too-large", Namespaces.HttpUpload)!;
        Assert.Equal("1000", tooLarge.ChildText("max-file-size", Namespaces.HttpUpload));

        var bad = await juliet.AskAsync($"<iq type='get' id='s2' to='{Service}'><request xmlns='urn:xmpp:http:upload:0' filename='x' size='-5'/></iq>");
        Assert.Equal("bad-request", Exchange.Condition(bad));
    }

    [Fact]
    [Trait("Conformance", "XEP-0363 §5")]
    public async Task Puts_that_differ_from_the_slot_or_name_no_slot_are_refused()
    {
        await using var server = await TestServer.StartAsync(Http);
        var (juliet, romeo) = await LoginAsync(server);
        await using var _ = juliet;
        await using var __ = romeo;
        using var http = new HttpClient();
        var (put, get) = await SlotAsync(juliet, "photo.jpg", 10, "image/jpeg");

        using (var shorter = await PutAsync(http, server, put, new byte[9], "image/jpeg"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, shorter.StatusCode);
        }

        using (var wrongType = await PutAsync(http, server, put, new byte[10], "text/html"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        }

        // An id nobody was given, and one a single digit away from a real one.
        var id = new Uri(put).Segments[2].TrimEnd('/');
        var forged = put.Replace(id, (id[0] == 'a' ? 'b' : 'a') + id[1..], StringComparison.Ordinal);
        using (var wrongSlot = await PutAsync(http, server, forged, new byte[10], "image/jpeg"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrongSlot.StatusCode);
        }

        using (var nothing = await http.GetAsync(Local(server, get)))
        {
            Assert.Equal(HttpStatusCode.NotFound, nothing.StatusCode);
        }

        // The refused attempts did not spend the slot.
        using var right = await PutAsync(http, server, put, new byte[10], "image/jpeg");
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
    }

    [Fact]
    [Trait("Conformance", "XEP-0363 §5")]
    public async Task An_expired_slot_is_refused_and_files_go_after_the_retention_days()
    {
        var clock = ClockDriver.Create();
        await using var server = await TestServer.StartAsync(s => s.AddSingleton<TimeProvider>(clock), [.. Http, ("Modules:Upload:SlotSeconds", "60"), ("Modules:Upload:RetentionDays", "2")]);
        var (juliet, romeo) = await LoginAsync(server);
        await using var _ = juliet;
        await using var __ = romeo;
        using var http = new HttpClient();
        var (late, _) = await SlotAsync(juliet, "late.txt", 3, "text/plain");
        var (kept, keptGet) = await SlotAsync(juliet, "kept.txt", 3, "text/plain");
        using (var stored = await PutAsync(http, server, kept, "abc"u8.ToArray(), "text/plain"))
        {
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }

        clock.Advance(TimeSpan.FromSeconds(61));
        using (var expired = await PutAsync(http, server, late, "abc"u8.ToArray(), "text/plain"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        }

        using (var fresh = await http.GetAsync(Local(server, keptGet)))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        clock.Advance(TimeSpan.FromDays(2));
        using (var gone = await http.GetAsync(Local(server, keptGet)))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0363 §4.2")]
    public async Task The_quota_counts_stored_files_and_open_slots()
    {
        await using var server = await TestServer.StartAsync([.. Http, ("Modules:Upload:QuotaBytesPerUser", "1000")]);
        var (juliet, romeo) = await LoginAsync(server);
        await using var _ = juliet;
        await using var __ = romeo;
        using var http = new HttpClient();
        var (put, _) = await SlotAsync(juliet, "a.bin", 600, "application/octet-stream");
        using (var stored = await PutAsync(http, server, put, new byte[600], "application/octet-stream"))
        {
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }

        var over = await juliet.AskAsync($"<iq type='get' id='q1' to='{Service}'><request xmlns='urn:xmpp:http:upload:0' filename='b.bin' size='600'/></iq>");
        Assert.Equal("resource-constraint", Exchange.Condition(over));
        // Another account has its own quota.
        await SlotAsync(romeo, "b.bin", 600, "application/octet-stream");
    }

    [Fact]
    public async Task Paths_outside_the_upload_folder_cannot_be_named()
    {
        await using var server = await TestServer.StartAsync(Http);
        var (juliet, romeo) = await LoginAsync(server);
        await using var _ = juliet;
        await using var __ = romeo;
        // A file name that is a path is only a name: the file is stored under its id.
        var (put, get) = await SlotAsync(juliet, "../../parley.db", 4, "text/plain");
        Assert.Contains("/..%2F..%2Fparley.db", put, StringComparison.Ordinal);
        using var http = new HttpClient();
        using (var stored = await PutAsync(http, server, put, "data"u8.ToArray(), "text/plain"))
        {
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }

        var id = new Uri(put).Segments[2].TrimEnd('/');
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "uploads", id)));

        // Sent byte for byte (an HttpClient would remove the dot segments itself).
        foreach (var path in new[] { "/upload/../parley.db", "/upload/%2e%2e/%2e%2e/parley.db", "/upload/..%2fparley.db/x", $"/upload/{id}/../../parley.db", "/upload/parley.db/x", $"/upload/{id.ToUpperInvariant()}/x" })
        {
            Assert.Equal(404, await RawGetStatusAsync(server, path));
        }
    }

    private static async Task<int> RawGetStatusAsync(TestServer server, string path)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.Http);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream);
        var status = await reader.ReadLineAsync();
        return int.Parse(status!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<(RawStream Juliet, RawStream Romeo)> LoginAsync(TestServer server)
    {
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        var juliet = await RawStream.ConnectAsync(server.C2s);
        await juliet.LoginAsync("juliet", "secret", "phone");
        var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret", "laptop");
        return (juliet, romeo);
    }

    private static async Task<(string Put, string Get)> SlotAsync(RawStream client, string fileName, long size, string contentType)
    {
        var request = new Element("request", Namespaces.HttpUpload).SetAttribute("filename", fileName).SetAttribute("size", size.ToString(System.Globalization.CultureInfo.InvariantCulture)).SetAttribute("content-type", contentType);
        var reply = await client.AskAsync($"<iq type='get' id='slot-{Guid.NewGuid():N}' to='{Service}'>{ElementWriter.ToXml(request)}</iq>");
        Assert.Equal("result", reply.GetAttribute("type"));
        var slot = reply.Child("slot", Namespaces.HttpUpload)!;
        return (slot.Child("put", Namespaces.HttpUpload)!.GetAttribute("url")!, slot.Child("get", Namespaces.HttpUpload)!.GetAttribute("url")!);
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient http, TestServer server, string url, byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await http.PutAsync(Local(server, url), content);
    }

    /// <summary>The slot URLs name the domain (localhost); the test reaches it on the IPv4 loopback the listener is bound to.</summary>
    private static Uri Local(TestServer server, string url) =>
        new(url.Replace($"http://localhost:{server.Http.Port}", server.HttpUri.ToString().TrimEnd('/'), StringComparison.Ordinal));
}
