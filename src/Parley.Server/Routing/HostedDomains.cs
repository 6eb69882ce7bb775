using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Routing;

/// <summary>The domains this server hosts, prepared once (RFC 7622 §3.2) for exact comparison.</summary>
internal sealed class HostedDomains
{
    private readonly FrozenSet<string> _domains;

    public HostedDomains(IOptions<ParleyOptions> options)
    {
        var configured = options.Value.Domains.Count == 0 ? ["localhost"] : options.Value.Domains;
        _domains = configured.Select(d => Jid.Create(null, d).Domain).ToFrozenSet(StringComparer.Ordinal);
        Default = Jid.Create(null, configured[0]).Domain;
    }

    /// <summary>The first configured domain.</summary>
    public string Default { get; }

    public bool Contains(string preparedDomain) => _domains.Contains(preparedDomain);

    /// <summary>Prepares a domain from a stream header 'to' and checks it is hosted.</summary>
    public bool TryMatch(string? domain, out string prepared)
    {
        prepared = "";
        if (domain is null || !Jid.TryParse(domain, out var jid) || jid.Local is not null || jid.Resource is not null)
        {
            return false;
        }

        prepared = jid.Domain;
        return _domains.Contains(prepared);
    }
}
