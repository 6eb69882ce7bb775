using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Server.Accounts;
using Parley.Server.Storage;

namespace Parley.Server.Hosting;

public static class ParleyServiceCollectionExtensions
{
    /// <summary>
    /// Everything below the listeners: validated <see cref="ParleyOptions"/> bound from the
    /// configuration root, the database, <see cref="IAccountStore"/>, the account service, the
    /// certificate and <see cref="TimeProvider"/>. When a host starts, the schema is migrated and
    /// the certificate loaded or generated before any listener opens. Used by the server host and, without starting a host, by the
    /// `parley user` command.
    /// </summary>
    public static IServiceCollection AddParleyCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<ParleyOptions>().Bind(configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ParleyOptions>, ParleyOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ParleyOptions>, ParleyOptionsValidator>());
        services.AddSingleton<IValidateOptions<ParleyOptions>>(new ConfigurationKeys(configuration));

        services.TryAddSingleton<SqlProvider>(provider => CreateSqlProvider(provider.GetRequiredService<IOptions<ParleyOptions>>().Value));
        services.TryAddSingleton<SqlDatabase>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, CoreStartup>());
        services.TryAddSingleton<IAccountStore, SqlAccountStore>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<CertificateProvider>();
        services.TryAddSingleton<ServerSecret>();
        return services;
    }

    private static SqlProvider CreateSqlProvider(ParleyOptions options) =>
        SqlProviderFactory.Create(options.Storage.Provider, options.Storage.ConnectionString, options.DataDirectory, options.Storage.BusyTimeoutSeconds);
}
