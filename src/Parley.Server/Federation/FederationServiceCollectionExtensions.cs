using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Parley.Server.Federation;

/// <summary>The federation services the server host registers (S2s:* options).</summary>
internal static class FederationServiceCollectionExtensions
{
    /// <summary>Peer certificate judgement; every registration can be replaced by one made before (tests).</summary>
    public static IServiceCollection AddFederation(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PeerCertificateValidator>();
        return services;
    }
}
