using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Http;

/// <summary>
/// Where clients reach the HTTP server: Http:PublicUrl when set (behind a reverse proxy), else the
/// hosted domain on the port actually bound, HTTPS first. Upload slots and host-meta use it.
/// </summary>
internal sealed class PublicUrls(IOptions<ParleyOptions> options, ListenerEndpoints endpoints)
{
    private readonly HttpOptions _http = options.Value.Http;

    /// <summary>The base URL for <paramref name="domain"/>, without a trailing slash.</summary>
    public string Base(string domain)
    {
        if (_http.PublicUrl.Length > 0)
        {
            return _http.PublicUrl.TrimEnd('/');
        }

        var https = endpoints.Endpoints.FirstOrDefault(e => e.Kind == ListenerEndpoints.Https);
        var http = endpoints.Endpoints.FirstOrDefault(e => e.Kind == ListenerEndpoints.Http);
        return https is not null ? $"https://{domain}:{https.EndPoint.Port}" : $"http://{domain}:{http?.EndPoint.Port ?? _http.Port}";
    }

    /// <summary>The base URL a request came in on, unless Http:PublicUrl says otherwise (host-meta answers the host asked).</summary>
    public string Base(HttpRequest request) =>
        _http.PublicUrl.Length > 0 ? _http.PublicUrl.TrimEnd('/') : request.Scheme + "://" + request.Host.Value;
}
