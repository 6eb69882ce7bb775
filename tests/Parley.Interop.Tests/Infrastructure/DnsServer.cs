using System.Globalization;
using System.Net;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// A throwaway DNS server: Debian's dnsmasq in the foreground on one loopback address and a free
/// UDP port, answering only the records the test gives it (no upstream, no /etc/hosts). Prosody's
/// resolver (libunbound) ignores /etc/hosts, so this is how it learns where Parley is.
/// </summary>
internal sealed class DnsServer : IAsyncDisposable
{
    private const string Executable = "/usr/sbin/dnsmasq";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;

    private DnsServer(ChildProcess process, IPAddress address, int port)
    {
        _process = process;
        Address = address;
        Port = port;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    /// <summary>The server as libunbound's forward syntax writes it: address@port.</summary>
    public string Forward => $"{Address}@{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>What dnsmasq logged, every query included, for failure messages.</summary>
    public string Output => _process.Output;

    /// <param name="hosts">Name to IPv4 address (A records).</param>
    /// <param name="services">SRV records: owner name (e.g. _xmpp-server._tcp.example) to target and port.</param>
    /// <param name="port">
    /// The UDP port; a free one when null. 53 for a resolver that can only be pointed at an address
    /// (a resolv.conf), on an address of its own so that it never meets the machine's resolver.
    /// </param>
    public static async Task<DnsServer> StartAsync(IPAddress address, IReadOnlyDictionary<string, IPAddress> hosts, IReadOnlyDictionary<string, DnsEndPoint> services, int? port = null)
    {
        port ??= FreePort.NextUdp(address);
        List<string> arguments =
        [
            "--no-daemon", "--log-facility=-", "--log-queries",
            $"--listen-address={address}", "--bind-interfaces", $"--port={port.Value.ToString(CultureInfo.InvariantCulture)}",
            "--no-resolv", "--no-hosts", "--no-poll", "--conf-file=/dev/null",
        ];
        arguments.AddRange(hosts.Select(h => $"--host-record={h.Key},{h.Value}"));
        // Names under the same top-level domains that the test did not define get NXDOMAIN
        // instead of REFUSED (no upstream), so a resolver moves on at once instead of retrying.
        arguments.AddRange(hosts.Keys.Concat(services.Keys).Select(name => name[(name.LastIndexOf('.') + 1)..]).Distinct().Select(tld => $"--local=/{tld}/"));
        arguments.AddRange(services.Select(s => $"--srv-host={s.Key},{s.Value.Host},{s.Value.Port.ToString(CultureInfo.InvariantCulture)}"));

        var process = ChildProcess.Start(Executable, arguments);
        var server = new DnsServer(process, address, port.Value);
        try
        {
            // dnsmasq prints its version line once its sockets are bound; it exits with an error otherwise.
            await process.WaitForLineAsync(line => line.Contains("started, version", StringComparison.Ordinal), StartTimeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes once dnsmasq has logged a query for <paramref name="type"/> records of <paramref name="name"/>.</summary>
    public Task WaitForQueryAsync(string type, string name) =>
        _process.WaitForLineAsync(line => line.Contains($"query[{type}] {name} ", StringComparison.Ordinal), StartTimeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
