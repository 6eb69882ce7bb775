using System.Net;
using DnsClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Federation;

/// <summary>The federation services the server host registers (S2s:* options).</summary>
internal static class FederationServiceCollectionExtensions
{
    /// <summary>
    /// Peer certificate judgement and endpoint resolution. Each registration yields to one made
    /// before, so tests can bring their own <see cref="ILookupClient"/> or <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddFederation(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PeerCertificateValidator>();
        services.TryAddSingleton<ILookupClient>(sp => CreateLookupClient(sp.GetRequiredService<IOptions<ParleyOptions>>().Value.S2s));
        services.TryAddSingleton<S2sEndpointResolver>();
        return services;
    }

    /// <summary>
    /// The system's name servers, with answers cached for their TTL. DnsClient would fall back to a
    /// public resolver when none is configured; Parley never sends queries anywhere the operator did
    /// not configure, so it asks loopback instead, every lookup fails, and RFC 6120 §3.2.1's
    /// fallback to the domain itself applies.
    /// </summary>
    private static LookupClient CreateLookupClient(S2sOptions s2s)
    {
        var servers = NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false);
        var options = servers.Count != 0 ? new LookupClientOptions([.. servers]) : new LookupClientOptions(IPAddress.Loopback);
        options.UseCache = true;
        options.ThrowDnsErrors = false;
        options.UseTcpFallback = true;
        options.Retries = 1;
        options.Timeout = TimeSpan.FromSeconds(s2s.ConnectTimeoutSeconds);
        return new LookupClient(options);
    }
}
