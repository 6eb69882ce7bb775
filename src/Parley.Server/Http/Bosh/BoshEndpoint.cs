using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Connections;
using Parley.Server.Hosting;
using Parley.Server.Routing;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Http.Bosh;

/// <summary>
/// XMPP over BOSH (XEP-0124, XEP-0206) at /http-bind: POSTed &lt;body/&gt; elements from allowed
/// origins (CORS preflight answered), a session created by a body without 'sid', every later one
/// handed to its <see cref="BoshSession"/>. Errors are XEP-0124 §17 terminal conditions: HTTP 200
/// with type='terminate' (bad-request for a body that is not one, item-not-found for an unknown
/// sid, host-unknown for a domain not served, policy-violation for a body over the size limit or a
/// session over Http:Bosh:MaxSessions).
/// </summary>
internal sealed class BoshEndpoint(
    C2sConnectionHandler handler,
    BoshSessions sessions,
    HostedDomains domains,
    OriginPolicy origins,
    IOptions<ParleyOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<BoshEndpoint> logger)
{
    public const string Path = "/http-bind";

    /// <summary>XEP-0124 §7.1: responses are UTF-8 XML unless the client named another Content-Type.</summary>
    private const string DefaultContentType = "text/xml; charset=utf-8";

    private readonly ParleyOptions _options = options.Value;

    public async Task HandleAsync(HttpContext http)
    {
        if (!origins.Allows(http.Request))
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status403Forbidden, "This origin may not use BOSH (Http:AllowedOrigins).").ConfigureAwait(false);
            return;
        }

        origins.AddCorsHeaders(http);
        var method = http.Request.Method;
        if (HttpMethods.IsOptions(method))
        {
            // Browsers POST text/xml, which needs a preflight.
            OriginPolicy.AnswerPreflight(http, "POST, OPTIONS");
            return;
        }

        if (!HttpMethods.IsPost(method))
        {
            http.Response.Headers.Allow = "POST, OPTIONS";
            await HttpResults.PlainAsync(http, StatusCodes.Status405MethodNotAllowed, "XMPP over BOSH (XEP-0206): POST a <body/>.").ConfigureAwait(false);
            return;
        }

        var request = await ReadAsync(http).ConfigureAwait(false);
        if (request.Error is { } error)
        {
            await WriteAsync(http, BoshResponses.Terminate(error), DefaultContentType).ConfigureAwait(false);
            return;
        }

        var body = request.Body!;
        if (body.Sid is not { } sid)
        {
            await CreateAsync(http, body).ConfigureAwait(false);
            return;
        }

        if (sessions.Find(sid) is not { } session)
        {
            await WriteAsync(http, BoshResponses.Terminate("item-not-found"), DefaultContentType).ConfigureAwait(false);
            return;
        }

        await AnswerAsync(http, session, body).ConfigureAwait(false);
    }

    /// <summary>XEP-0124 §7, XEP-0206 §3: a new session on a hosted domain, then the stream opened on it.</summary>
    private async Task CreateAsync(HttpContext http, BoshRequest request)
    {
        var body = request.Body;
        if (!domains.TryMatch(body.GetAttribute("to"), out var domain))
        {
            await WriteAsync(http, BoshResponses.Terminate("host-unknown"), DefaultContentType).ConfigureAwait(false);
            return;
        }

        var limits = _options.Http.Bosh;
        var grant = new BoshGrant(
            domain,
            WaitSeconds: Math.Clamp(request.ReadInt("wait") ?? limits.MaxWaitSeconds, 0, limits.MaxWaitSeconds),
            Hold: Math.Clamp(request.ReadInt("hold") ?? 1, 0, limits.MaxHold),
            limits.InactivitySeconds,
            limits.PollingSeconds,
            limits.MaxPauseSeconds,
            LowerVersion(body.GetAttribute("ver")),
            body.GetAttribute("content") is { Length: > 0 } content ? content : DefaultContentType,
            limits.MaxPendingBytes);
        if (!sessions.TryReserve())
        {
            await WriteAsync(http, BoshResponses.Terminate("policy-violation"), DefaultContentType).ConfigureAwait(false);
            return;
        }

        var session = new BoshSession(
            BoshSessions.NewSid(),
            request,
            grant,
            sessions,
            http.Connection,
            time,
            logger,
            lifetime.ApplicationStopping);
        sessions.Add(session);
        var secure = HttpSecurity.IsSecure(http, _options.Http);
        _ = session.RunAsync(context => handler.HandleFramedAsync(context, "bosh", secure, parserLimits => new BoshFraming(parserLimits, session, () => session.Fault)));
        await AnswerAsync(http, session, request).ConfigureAwait(false);
    }

    private static async Task AnswerAsync(HttpContext http, BoshSession session, BoshRequest request)
    {
        byte[] response;
        try
        {
            response = await session.RequestAsync(request).WaitAsync(http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away: the response stays buffered for a retransmission (XEP-0124 §14.3).
            return;
        }

        await WriteAsync(http, response, session.ContentType).ConfigureAwait(false);
    }

    /// <summary>The whole body, bounded by Http:MaxRequestBodyBytes (Kestrel refuses more), parsed with the stream's limits.</summary>
    private async Task<(BoshRequest? Body, string? Error)> ReadAsync(HttpContext http)
    {
        var reader = http.Request.BodyReader;
        ReadResult read;
        try
        {
            while (true)
            {
                read = await reader.ReadAsync(http.RequestAborted).ConfigureAwait(false);
                if (read.IsCompleted)
                {
                    break;
                }

                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, "policy-violation");
        }

        try
        {
            var parsed = BoshRequest.Parse(read.Buffer, BodyLimits());
            return parsed is null ? (null, "bad-request") : (parsed, null);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    /// <summary>
    /// The stream's parser limits, except that a body may hold several stanzas: its size is the HTTP
    /// limit and its element count that of a few stanzas; each payload meets the stanza limits when the stream reads it.
    /// </summary>
    private XmlLimits BodyLimits()
    {
        var limits = _options.Limits;
        return new XmlLimits
        {
            MaxStanzaBytes = (int)Math.Min(int.MaxValue, HttpListeners.MaxRequestBodyBytes(_options)),
            MaxDepth = limits.MaxDepth + 1,
            MaxElements = limits.MaxElementsPerStanza * 4,
            MaxAttributes = limits.MaxAttributesPerElement,
            MaxAttributeValueBytes = limits.MaxAttributeValueBytes,
            MaxTextBytes = limits.MaxTextBytes,
            MaxNamespaceDeclarations = limits.MaxNamespaceDeclarationsPerElement,
            MaxNamespaceDeclarationsInScope = limits.MaxNamespaceDeclarationsInScope,
        };
    }

    /// <summary>XEP-0124 §7.1 'ver': the client's version or ours, whichever is lower (major.minor, each an integer).</summary>
    private static string LowerVersion(string? requested)
    {
        if (requested is null || !Version.TryParse(requested, out var client) || client.Build >= 0)
        {
            return BoshResponses.Version;
        }

        return client < Version.Parse(BoshResponses.Version) ? client.ToString(2) : BoshResponses.Version;
    }

    private static Task WriteAsync(HttpContext http, byte[] body, string contentType)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }
}
