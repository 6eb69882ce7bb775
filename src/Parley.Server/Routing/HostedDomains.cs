using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Parley.Server.Components;
using Parley.Server.Hosting;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Routing;

/// <summary>
/// The domains this server hosts, prepared once (RFC 7622 §3.2) for exact comparison, each with
/// its <see cref="HostKind"/>: the user domains of the configuration (Domains), the external
/// components it declares (Components:Secrets) and the internal components registered as
/// <see cref="IComponentHandler"/> services or in an <see cref="IComponentSet"/>.
/// </summary>
internal sealed class HostedDomains
{
    private readonly FrozenSet<string> _domains;
    private readonly FrozenDictionary<string, IComponentHandler> _components;

    public HostedDomains(IOptions<ParleyOptions> options, IEnumerable<IComponentHandler>? components = null, IEnumerable<IComponentSet>? componentSets = null)
    {
        var configured = options.Value.Domains.Count == 0 ? ["localhost"] : options.Value.Domains;
        _domains = configured.Select(d => Jid.Create(null, d).Domain).ToFrozenSet(StringComparer.Ordinal);
        Default = Jid.Create(null, configured[0]).Domain;

        // XEP-0114 components are declared by their secrets; internal ones register as services.
        var external = options.Value.Components.Secrets.Select(s => new ExternalComponent(Jid.Create(null, s.Key).Domain, s.Value));
        var byDomain = new Dictionary<string, IComponentHandler>(StringComparer.Ordinal);
        foreach (var component in (components ?? []).Concat((componentSets ?? []).SelectMany(set => set.Components)).Concat(external))
        {
            if (_domains.Contains(component.Domain) || !byDomain.TryAdd(component.Domain, component))
            {
                // One host, one kind: a domain served twice would route by registration order.
                throw new InvalidOperationException($"The domain {component.Domain} is hosted twice.");
            }
        }

        _components = byDomain.ToFrozenDictionary(StringComparer.Ordinal);
        Components = [.. _components.Values.OrderBy(c => c.Domain, StringComparer.Ordinal)];
    }

    /// <summary>The first configured domain.</summary>
    public string Default { get; }

    /// <summary>The component domains, sorted (XEP-0030 §4: the server lists them as its items).</summary>
    public IReadOnlyList<IComponentHandler> Components { get; }

    /// <summary>Whether the domain is a user domain (accounts live there); false for component domains.</summary>
    public bool Contains(string preparedDomain) => _domains.Contains(preparedDomain);

    /// <summary>The component serving the domain, when it is a component domain.</summary>
    public bool TryGetComponent(string preparedDomain, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IComponentHandler? component) =>
        _components.TryGetValue(preparedDomain, out component);

    /// <summary>The kind of a hosted domain; null when this server does not host it.</summary>
    public HostKind? KindOf(string preparedDomain) =>
        _domains.Contains(preparedDomain) ? HostKind.UserDomain
        : _components.TryGetValue(preparedDomain, out var component) ? component.Kind
        : null;

    /// <summary>
    /// Whether other servers may address the domain here: a user domain or a component domain
    /// (a component's JIDs are reachable over federation like a user's, XEP-0114 §1).
    /// </summary>
    public bool Serves(string preparedDomain) => KindOf(preparedDomain) is not null;

    /// <summary>Prepares a domain from a server-to-server stream header 'to' and checks this server <see cref="Serves"/> it.</summary>
    public bool TryMatchServed(string? domain, out string prepared) =>
        TryPrepare(domain, out prepared) && Serves(prepared);

    /// <summary>Prepares a domain from a stream header 'to' and checks it is a hosted user domain.</summary>
    public bool TryMatch(string? domain, out string prepared) =>
        TryPrepare(domain, out prepared) && _domains.Contains(prepared);

    private static bool TryPrepare(string? domain, out string prepared)
    {
        prepared = "";
        if (domain is null || !Jid.TryParse(domain, out var jid) || jid.Local is not null || jid.Resource is not null)
        {
            return false;
        }

        prepared = jid.Domain;
        return true;
    }
}
