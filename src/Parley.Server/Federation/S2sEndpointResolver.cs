using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Federation;

/// <summary>
/// Where to connect for a remote domain, in the order to try (RFC 6120 §3.2.1 with XEP-0368 §3):
/// a static route (S2s:Routes) alone when there is one; else the SRV records of
/// `_xmpps-server._tcp` (direct TLS) and `_xmpp-server._tcp` (STARTTLS) merged and ordered by
/// priority, then weight (RFC 2782); else the domain itself on 5269 (RFC 6120 §3.2.2). A lone SRV
/// target "." means the service is decidedly not offered: an `_xmpp-server` "." gives no endpoint
/// at all, an `_xmpps-server` "." only no direct TLS. A lookup that fails counts as no records.
/// </summary>
internal sealed class S2sEndpointResolver
{
    /// <summary>RFC 6120 §14.7: the IANA-registered port of xmpp-server.</summary>
    public const int DefaultPort = 5269;

    private const string DirectTlsService = "_xmpps-server._tcp.";
    private const string StartTlsService = "_xmpp-server._tcp.";

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    private readonly FrozenDictionary<string, S2sEndpoint> _routes;
    private readonly ILookupClient _dns;
    private readonly Random _random;
    private readonly bool _allowIpLiterals;

    public S2sEndpointResolver(IOptions<ParleyOptions> options, ILookupClient dns)
        : this(options, dns, Random.Shared)
    {
    }

    /// <param name="random">Draws the RFC 2782 weighted choice; tests pass a scripted one.</param>
    internal S2sEndpointResolver(IOptions<ParleyOptions> options, ILookupClient dns, Random random)
    {
        _dns = dns;
        _random = random;
        _allowIpLiterals = options.Value.S2s.AllowIpLiteralDomains;
        var routes = new Dictionary<string, S2sEndpoint>(StringComparer.Ordinal);
        foreach (var (domain, route) in options.Value.S2s.Routes)
        {
            // Both were validated at start; keys are compared in prepared form (RFC 7622 §3.2).
            if (Precis.TryPrepareDomain(domain, out var prepared) && S2sEndpoint.TryParseRoute(route, out var endpoint))
            {
                routes[prepared] = endpoint;
            }
        }

        _routes = routes.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The endpoints for <paramref name="domain"/>, best first; empty when the domain is not valid or
    /// announces that it offers no server-to-server service (the caller bounces remote-server-not-found).
    /// Host names are returned as DNS names (A-labels, no trailing dot).
    /// </summary>
    public async Task<IReadOnlyList<S2sEndpoint>> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        if (!Precis.TryPrepareDomain(domain, out var prepared))
        {
            return [];
        }

        if (_routes.TryGetValue(prepared, out var route))
        {
            return [route];
        }

        // RFC 7622 §3.2: a domainpart may be an IP literal; there is no SRV name to look up then.
        // Refused unless S2s:AllowIpLiteralDomains: any peer could otherwise name any address.
        var literal = prepared.StartsWith('[') ? prepared[1..^1] : prepared;
        if (IPAddress.TryParse(literal, out _))
        {
            return _allowIpLiterals ? [new S2sEndpoint(literal, DefaultPort, DirectTls: false)] : [];
        }

        var ascii = Idn.GetAscii(prepared);
        var directTls = LookupAsync(DirectTlsService + ascii, cancellationToken);
        var startTls = LookupAsync(StartTlsService + ascii, cancellationToken);
        var (direct, _) = await directTls.ConfigureAwait(false);
        var (plain, refused) = await startTls.ConfigureAwait(false);

        var records = new List<(SrvRecord Record, bool DirectTls)>(direct.Count + plain.Count);
        records.AddRange(direct.Select(r => (r, true)));
        records.AddRange(plain.Select(r => (r, false)));
        if (records.Count != 0)
        {
            return Order(records);
        }

        return refused ? [] : [new S2sEndpoint(ascii, DefaultPort, DirectTls: false)];
    }

    /// <summary>The usable SRV records of one name, and whether it holds the lone "." that says "not offered here".</summary>
    private async Task<(IReadOnlyList<SrvRecord> Records, bool NotOffered)> LookupAsync(string name, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _dns.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException)
        {
            // RFC 6120 §3.2.1 step 5: a failed lookup is as good as no records; the fallback applies.
            return ([], false);
        }

        if (response.HasError)
        {
            return ([], false);
        }

        var records = response.Answers.SrvRecords().ToList();
        // RFC 2782: a target of "." means the service is decidedly not available at this domain.
        if (records.Count == 1 && IsRoot(records[0].Target))
        {
            return ([], true);
        }

        return (records.Where(r => !IsRoot(r.Target) && r.Port != 0).ToList(), false);
    }

    private static bool IsRoot(DnsString target) => target.Value is "." or "";

    /// <summary>
    /// RFC 2782 "Usage rules": ascending priority; within one priority, repeatedly pick at random with
    /// probability proportional to weight, zero-weight records first in the list so they keep a
    /// small chance.
    /// </summary>
    private IReadOnlyList<S2sEndpoint> Order(List<(SrvRecord Record, bool DirectTls)> records)
    {
        var ordered = new List<S2sEndpoint>(records.Count);
        foreach (var group in records.GroupBy(r => r.Record.Priority).OrderBy(g => g.Key))
        {
            var remaining = group.OrderBy(r => r.Record.Weight == 0 ? 0 : 1).ToList();
            while (remaining.Count != 0)
            {
                var total = remaining.Sum(r => (int)r.Record.Weight);
                var pick = _random.Next(0, total + 1);
                var index = 0;
                for (var running = (int)remaining[0].Record.Weight; running < pick; running += remaining[index].Record.Weight)
                {
                    index++;
                }

                var (record, directTls) = remaining[index];
                remaining.RemoveAt(index);
                ordered.Add(new S2sEndpoint(record.Target.Value.TrimEnd('.'), record.Port, directTls));
            }
        }

        return ordered;
    }
}
