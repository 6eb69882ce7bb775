using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Server.Hosting.Stubs;

/// <summary>Stand-in for the store branch's AddParleyCore until it is merged: options only.</summary>
internal static class CoreRegistration
{
    public static IServiceCollection AddParleyCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Hosting.ParleyOptions>().Bind(configuration);
        return services;
    }
}
