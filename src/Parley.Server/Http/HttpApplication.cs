using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Http.Bosh;
using Parley.Server.Http.Discovery;
using Parley.Server.Http.Upload;
using Parley.Server.Http.WebSockets;

namespace Parley.Server.Http;

/// <summary>
/// The HTTP request pipeline (only the Http:* listeners reach it; the XMPP listeners run their own
/// connection handlers): the per-address rate limit, then one endpoint per conventional path.
/// </summary>
internal static class HttpApplication
{
    public static void Configure(IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        var limiter = services.GetRequiredService<HttpRateLimiter>();
        var websocket = services.GetRequiredService<XmppWebSocketEndpoint>();
        var bosh = services.GetRequiredService<BoshEndpoint>();
        var hostMeta = services.GetRequiredService<HostMetaEndpoint>();
        var upload = services.GetRequiredService<UploadEndpoint>();

        app.UseWebSockets();
        app.Run(http =>
        {
            if (!limiter.TryTake(http.Connection.RemoteIpAddress))
            {
                http.Response.Headers.RetryAfter = "1";
                return HttpResults.PlainAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests (Http:RequestsPerSecond).");
            }

            var path = http.Request.Path.Value;
            return path switch
            {
                XmppWebSocketEndpoint.Path => websocket.HandleAsync(http),
                BoshEndpoint.Path => bosh.HandleAsync(http),
                HostMetaEndpoint.XrdPath => hostMeta.HandleAsync(http, json: false),
                HostMetaEndpoint.JrdPath => hostMeta.HandleAsync(http, json: true),
                _ when path?.StartsWith(UploadEndpoint.Prefix, StringComparison.Ordinal) == true => upload.HandleAsync(http),
                _ => HttpResults.PlainAsync(http, StatusCodes.Status404NotFound, "Not found."),
            };
        });
    }

    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<HttpRateLimiter>();
        services.AddSingleton<OriginPolicy>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<XmppWebSocketEndpoint>();
        services.AddSingleton<BoshSessions>();
        services.AddSingleton<BoshEndpoint>();
        services.AddSingleton<HostMetaEndpoint>();
        services.AddSingleton<UploadEndpoint>();
    }
}
