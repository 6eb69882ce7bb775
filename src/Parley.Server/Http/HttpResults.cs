using Microsoft.AspNetCore.Http;

namespace Parley.Server.Http;

/// <summary>Short plain-text answers for refused requests: the status says what, the text says why.</summary>
internal static class HttpResults
{
    public static Task PlainAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(text + "\n", http.RequestAborted);
    }
}
