using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Http;

/// <summary>
/// Which browser pages may use the endpoints (Http:AllowedOrigins): a request without an Origin
/// header (not a browser, RFC 6454 §7.3), a same-origin one, an origin listed, or any with "*".
/// A WebSocket handshake is not subject to CORS (RFC 6455 §10.2), so the server must check it.
/// </summary>
internal sealed class OriginPolicy(IOptions<ParleyOptions> options)
{
    private readonly HashSet<string> _allowed = new(options.Value.Http.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public bool AllowsAny => _allowed.Contains("*");

    public bool Allows(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || AllowsAny || _allowed.Contains(origin))
        {
            return true;
        }

        // Same origin: the page was served by this very scheme, host and port.
        return string.Equals(origin, request.Scheme + "://" + request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// CORS for an allowed cross-origin request (uploads, BOSH): the page's origin is echoed, never "*"
    /// with credentials, and Vary says the answer depends on it.
    /// </summary>
    public void AddCorsHeaders(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return;
        }

        var headers = http.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = "Origin";
    }

    /// <summary>A CORS preflight (Fetch standard) for an endpoint browsers call with <paramref name="methods"/> and a Content-Type: 204, cached a day.</summary>
    public static void AnswerPreflight(HttpContext http, string methods)
    {
        var headers = http.Response.Headers;
        headers.AccessControlAllowMethods = methods;
        headers.AccessControlAllowHeaders = "Content-Type";
        headers.AccessControlMaxAge = "86400";
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
