using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Parley.Server.Http.Bosh;
using Parley.Server.Http.WebSockets;
using Parley.Xmpp.Xml;

namespace Parley.Server.Http.Discovery;

/// <summary>
/// XEP-0156 §3 connection discovery: /.well-known/host-meta (XRD, RFC 6415) and host-meta.json
/// (JRD) list the WebSocket and BOSH endpoints, so a web client given only a JID finds them.
/// Public information, so any origin may read it (XEP-0156 §3.4 asks for CORS).
/// </summary>
internal sealed class HostMetaEndpoint(PublicUrls urls)
{
    public const string XrdPath = "/.well-known/host-meta";
    public const string JrdPath = "/.well-known/host-meta.json";

    public const string WebSocketRel = "urn:xmpp:alt-connections:websocket";
    public const string BoshRel = "urn:xmpp:alt-connections:xbosh";
    private const string XrdNamespace = "http://docs.oasis-open.org/ns/xri/xrd-1.0";

    public Task HandleAsync(HttpContext http, bool json)
    {
        var baseUrl = urls.Base(http.Request);
        var websocket = (baseUrl.StartsWith("https:", StringComparison.Ordinal) ? "wss" : "ws") + baseUrl[baseUrl.IndexOf(':', StringComparison.Ordinal)..] + XmppWebSocketEndpoint.Path;
        var bosh = baseUrl + BoshEndpoint.Path;
        http.Response.Headers.AccessControlAllowOrigin = "*";
        if (json)
        {
            http.Response.ContentType = "application/json";
            var links = new[] { new { rel = WebSocketRel, href = websocket }, new { rel = BoshRel, href = bosh } };
            return http.Response.WriteAsync(JsonSerializer.Serialize(new { links }), http.RequestAborted);
        }

        var xrd = new Element("XRD", XrdNamespace);
        xrd.AddElement("Link").SetAttribute("rel", WebSocketRel).SetAttribute("href", websocket);
        xrd.AddElement("Link").SetAttribute("rel", BoshRel).SetAttribute("href", bosh);
        http.Response.ContentType = "application/xrd+xml; charset=utf-8";
        return http.Response.WriteAsync("<?xml version='1.0' encoding='utf-8'?>" + ElementWriter.ToXml(xrd), Encoding.UTF8, http.RequestAborted);
    }
}
