using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Hosting;

namespace Parley.Server.Http;

/// <summary>
/// Binds Http:Port and Http:TlsPort on the one Kestrel server the XMPP listeners use. HTTPS presents
/// the XMPP certificates, chosen by SNI (Tls:Domains, else the default one), and speaks HTTP/1.1 and
/// HTTP/2 (ALPN); plain HTTP is bound to loopback only unless Http:AllowPlaintextRemote.
/// </summary>
internal static class HttpListeners
{
    public static void Map(KestrelServerOptions kestrel, ParleyOptions options, ListenerEndpoints endpoints, bool ephemeralPorts)
    {
        var http = options.Http;
        // Uploads raise it per request to their slot's size; XMPP listeners have no request bodies.
        kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes(options);
        var certificates = kestrel.ApplicationServices.GetRequiredService<CertificateProvider>();
        if (http.TlsPort != 0)
        {
            Listen(kestrel, options.Bind, ephemeralPorts ? 0 : http.TlsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (_, name) => certificates.GetCertificate(name),
                });
                endpoints.Add(ListenerEndpoints.Https, listen);
            });
        }

        if (http.Port != 0)
        {
            // Loopback only by default: a plain port is for a TLS-terminating proxy on this machine.
            List<string> loopback = ephemeralPorts || !System.Net.Sockets.Socket.OSSupportsIPv6 ? ["127.0.0.1"] : ["127.0.0.1", "::1"];
            Listen(kestrel, http.AllowPlaintextRemote ? options.Bind : loopback, ephemeralPorts ? 0 : http.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                endpoints.Add(ListenerEndpoints.Http, listen);
            });
        }
    }

    /// <summary>Http:MaxRequestBodyBytes, or the stanza limit plus room for a BOSH wrapper when 0.</summary>
    public static long MaxRequestBodyBytes(ParleyOptions options) =>
        options.Http.MaxRequestBodyBytes > 0 ? options.Http.MaxRequestBodyBytes : options.Limits.MaxStanzaBytes + 4096L;

    private static void Listen(KestrelServerOptions kestrel, IReadOnlyList<string> bind, int port, Action<ListenOptions> configure)
    {
        if (bind.Count == 0)
        {
            kestrel.ListenAnyIP(port, configure);
            return;
        }

        foreach (var address in bind)
        {
            kestrel.Listen(IPAddress.Parse(address), port, configure);
        }
    }
}
