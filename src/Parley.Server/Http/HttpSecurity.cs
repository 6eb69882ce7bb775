using System.Net;
using Microsoft.AspNetCore.Http;
using Parley.Server.Hosting;

namespace Parley.Server.Http;

/// <summary>Whether a stream carried by an HTTP request (WebSocket, BOSH) may count as confidential, for SASL PLAIN and the like.</summary>
internal static class HttpSecurity
{
    /// <summary>
    /// TLS is HTTPS's (RFC 7395 §3.7, XEP-0206 §4); plain HTTP counts only from loopback or when the
    /// operator vouches for the path to the client (a TLS-terminating proxy, Http:AllowPlaintextRemote).
    /// </summary>
    public static bool IsSecure(HttpContext http, HttpOptions options) =>
        http.Request.IsHttps || options.AllowPlaintextRemote
        || (http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote));
}
