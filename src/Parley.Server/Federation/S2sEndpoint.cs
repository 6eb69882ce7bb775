using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Federation;

/// <summary>
/// One address to try for a remote domain: a host name or IP literal, a port, and whether TLS starts
/// at once (XEP-0368 `_xmpps-server`) or by STARTTLS after the stream header (RFC 6120 §5).
/// <paramref name="StaticRoute"/> marks an operator's S2s:Routes entry, which may name any address.
/// </summary>
internal sealed record S2sEndpoint(string Host, int Port, bool DirectTls, bool StaticRoute = false)
{
    /// <summary>
    /// Reads a static route's "host:port" (S2s:Routes): a domain name or IPv4 literal, or an IPv6
    /// literal in brackets ("[::1]:5269"), then a port from 1 to 65535.
    /// </summary>
    public static bool TryParseRoute(string? value, [NotNullWhen(true)] out S2sEndpoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            // RFC 3986 §3.2.2: an IPv6 literal is bracketed so its colons are not the port's.
            if (!IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }

            host = v6.ToString();
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }
        else if (!IPAddress.TryParse(host, out _))
        {
            if (!Precis.TryPrepareDomain(host, out var prepared))
            {
                return false;
            }

            host = prepared;
        }

        endpoint = new S2sEndpoint(host, port, DirectTls: false, StaticRoute: true);
        return true;
    }
}
