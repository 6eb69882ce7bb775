using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Parley.Server.Modules.Upload;

namespace Parley.Server.Http.Upload;

/// <summary>
/// The HTTP side of XEP-0363 under /upload/&lt;id&gt;/&lt;name&gt;: one PUT per slot, of exactly the
/// size and content type the slot was given for, before it expires (§5: else 400 or 403); GET and
/// HEAD with range requests (RFC 9110 §14) until Modules:Upload:RetentionDays; CORS for browser
/// clients from the allowed origins (§7). Files are served so a browser never runs them as a page.
/// </summary>
internal sealed class UploadEndpoint(UploadStore store, OriginPolicy origins)
{
    public const string Prefix = UploadPaths.Prefix;

    public async Task HandleAsync(HttpContext http)
    {
        if (!origins.Allows(http.Request))
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status403Forbidden, "This origin may not use the upload service (Http:AllowedOrigins).").ConfigureAwait(false);
            return;
        }

        origins.AddCorsHeaders(http);
        if (!UploadPaths.TryParse(http.Request.Path.Value, out var id, out _))
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status404NotFound, "Not found.").ConfigureAwait(false);
            return;
        }

        var method = http.Request.Method;
        if (HttpMethods.IsOptions(method))
        {
            // What a browser may send to the PUT URL.
            OriginPolicy.AnswerPreflight(http, "GET, HEAD, PUT, OPTIONS");
            return;
        }

        if (HttpMethods.IsPut(method))
        {
            await PutAsync(http, id).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            await GetAsync(http, id).ConfigureAwait(false);
            return;
        }

        http.Response.Headers.Allow = "GET, HEAD, PUT, OPTIONS";
        await HttpResults.PlainAsync(http, StatusCodes.Status405MethodNotAllowed, "Method not allowed.").ConfigureAwait(false);
    }

    private async Task PutAsync(HttpContext http, string id)
    {
        var request = http.Request;
        if (store.FindSlot(id) is not { } slot)
        {
            // Unknown, expired or already used: the capability is spent (XEP-0363 §5).
            await HttpResults.PlainAsync(http, StatusCodes.Status403Forbidden, "No such slot, or it expired or was used.").ConfigureAwait(false);
            return;
        }

        if (request.ContentLength != slot.Size)
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status400BadRequest, $"Content-Length must be the slot's size, {slot.Size}.").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(request.ContentType ?? "application/octet-stream", slot.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status400BadRequest, $"Content-Type must be the slot's, {slot.ContentType}.").ConfigureAwait(false);
            return;
        }

        if (!store.TryTake(slot))
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status403Forbidden, "No such slot, or it expired or was used.").ConfigureAwait(false);
            return;
        }

        // The slot's size, not Http:MaxRequestBodyBytes, bounds this body.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = slot.Size;
        }

        if (!await store.StoreAsync(slot, request.Body, http.RequestAborted).ConfigureAwait(false))
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status400BadRequest, "The body was not the slot's size.").ConfigureAwait(false);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status201Created;
    }

    private async Task GetAsync(HttpContext http, string id)
    {
        if (store.Find(id) is not { } file)
        {
            await HttpResults.PlainAsync(http, StatusCodes.Status404NotFound, "Not found.").ConfigureAwait(false);
            return;
        }

        var headers = http.Response.Headers;
        // A stored HTML or SVG file must not run as a page of this origin.
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentDisposition = new StringValues("inline; filename*=UTF-8''" + Uri.EscapeDataString(file.FileName));
        headers.CacheControl = "private, max-age=86400";
        var result = TypedResults.PhysicalFile(store.DataPath(id), file.ContentType, enableRangeProcessing: true);
        await result.ExecuteAsync(http).ConfigureAwait(false);
    }
}
