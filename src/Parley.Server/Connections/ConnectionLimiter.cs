using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Connections;

/// <summary>
/// Counts open connections in total and per source address (Limits:MaxConnections,
/// Limits:MaxConnectionsPerIp) so that one host cannot take every socket and file handle.
/// IPv6 sources are counted per /64, the block one host usually holds; IPv4-mapped
/// addresses count as the IPv4 address. Outbound server-to-server connections have a limiter of
/// their own (S2s:MaxOutboundConnections, S2s:MaxOutboundConnectionsPerAddress), keyed by the
/// remote address.
/// </summary>
internal sealed class ConnectionLimiter(int maxConnections, int maxConnectionsPerSource)
{
    private readonly Dictionary<IPAddress, int> _perSource = [];
    private readonly Lock _lock = new();
    private int _total;

    /// <summary>The listeners' limiter: Limits:MaxConnections and Limits:MaxConnectionsPerIp.</summary>
    public ConnectionLimiter(IOptions<ParleyOptions> options)
        : this(options.Value.Limits.MaxConnections, options.Value.Limits.MaxConnectionsPerIp)
    {
    }

    /// <summary>Connections currently admitted.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    /// <summary>Admits a connection or says why not; an admitted one must be released once with <paramref name="source"/>.</summary>
    /// <param name="source">The key to release with; null when the connection has no IP source (in-memory transports).</param>
    public bool TryAdmit(EndPoint? remote, out IPAddress? source, out string? refusal)
    {
        source = remote is IPEndPoint ip ? SourceOf(ip.Address) : null;
        lock (_lock)
        {
            if (_total >= maxConnections)
            {
                refusal = "Too many connections to this server";
                return false;
            }

            var count = 0;
            if (source is not null && _perSource.TryGetValue(source, out count) && count >= maxConnectionsPerSource)
            {
                refusal = "Too many connections from your address";
                return false;
            }

            _total++;
            if (source is not null)
            {
                _perSource[source] = count + 1;
            }
        }

        refusal = null;
        return true;
    }

    public void Release(IPAddress? source)
    {
        lock (_lock)
        {
            _total--;
            if (source is not null && _perSource.TryGetValue(source, out var count))
            {
                if (count <= 1)
                {
                    // Removed at zero, so the table holds only sources with open connections.
                    _perSource.Remove(source);
                }
                else
                {
                    _perSource[source] = count - 1;
                }
            }
        }
    }

    /// <summary>The key a source address is counted under (also used by the authentication and registration throttles).</summary>
    public static IPAddress SourceOf(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
