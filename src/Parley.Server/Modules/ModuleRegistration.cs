using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Modules;

/// <summary>
/// Everything the host needs to know about one module, in one value: its name (the configuration
/// section <c>Modules:&lt;Name&gt;</c>), its options type, the services it brings, and whether it
/// is switched on. The server's modules are listed once, in order, in <see cref="ServerModules"/>;
/// adding a module is one line there.
/// </summary>
internal sealed class ModuleRegistration
{
    /// <summary>The configuration section holding every module's settings.</summary>
    public const string Section = "Modules";

    private readonly Action<IServiceCollection, IConfiguration> _register;
    private readonly Func<IServiceProvider, IXmppModule> _resolve;
    private readonly Func<IServiceProvider, bool> _enabled;

    private ModuleRegistration(string name, Type optionsType, Action<IServiceCollection, IConfiguration> register, Func<IServiceProvider, IXmppModule> resolve, Func<IServiceProvider, bool> enabled)
    {
        Name = name;
        OptionsType = optionsType;
        _register = register;
        _resolve = resolve;
        _enabled = enabled;
    }

    /// <summary>The module's name: its section <c>Modules:&lt;Name&gt;</c>, and how start-up errors name it.</summary>
    public string Name { get; }

    /// <summary>What <c>Modules:&lt;Name&gt;:*</c> binds to (<see cref="ModuleOptions"/> or a type derived from it).</summary>
    public Type OptionsType { get; }

    /// <summary>
    /// A module whose only setting is <c>Modules:&lt;Name&gt;:Enabled</c>.
    /// </summary>
    /// <param name="services">What the module needs besides itself (stores, helpers, hosted services).</param>
    /// <param name="enabledByDefault">
    /// The value of <c>Enabled</c> when <c>Modules:&lt;Name&gt;:Enabled</c> is not set. Modules that
    /// predate the Modules section read their older switch here (e.g. <c>Archive:Enabled</c>,
    /// <c>AllowRegistration</c>), so those keys keep working; the Modules key wins when both are set.
    /// </param>
    public static ModuleRegistration For<TModule>(string name, Action<IServiceCollection>? services = null, Func<ParleyOptions, bool>? enabledByDefault = null)
        where TModule : class, IXmppModule =>
        new(
            name,
            typeof(ModuleOptions),
            (collection, configuration) =>
            {
                var options = collection.AddOptions<ModuleOptions>(name);
                if (enabledByDefault is not null)
                {
                    options.Configure<IOptions<ParleyOptions>>((module, server) => module.Enabled = enabledByDefault(server.Value));
                }

                options.Bind(configuration.GetSection(SectionOf(name)));
                AddModule<TModule>(collection, services);
            },
            static provider => provider.GetRequiredService<TModule>(),
            provider => provider.GetRequiredService<IOptionsMonitor<ModuleOptions>>().Get(name).Enabled);

    /// <summary>A module with settings of its own, bound from <c>Modules:&lt;Name&gt;:*</c> to <typeparamref name="TOptions"/> (inject <c>IOptions&lt;TOptions&gt;</c>).</summary>
    /// <param name="services">What the module needs besides itself; an <c>IValidateOptions&lt;TOptions&gt;</c> added here runs at start.</param>
    public static ModuleRegistration For<TModule, TOptions>(string name, Action<IServiceCollection>? services = null)
        where TModule : class, IXmppModule
        where TOptions : ModuleOptions, new() =>
        new(
            name,
            typeof(TOptions),
            (collection, configuration) =>
            {
                collection.AddOptions<TOptions>().Bind(configuration.GetSection(SectionOf(name))).ValidateOnStart();
                AddModule<TModule>(collection, services);
            },
            static provider => provider.GetRequiredService<TModule>(),
            static provider => provider.GetRequiredService<IOptions<TOptions>>().Value.Enabled);

    /// <summary>The configuration section of a module: <c>Modules:&lt;name&gt;</c>.</summary>
    public static string SectionOf(string name) => Section + ConfigurationPath.KeyDelimiter + name;

    /// <summary>Adds the module's services; every module's are added, switched on or not, since others may use them.</summary>
    public void Register(IServiceCollection services, IConfiguration configuration) => _register(services, configuration);

    /// <summary>Whether the module runs, after configuration (<c>Modules:&lt;Name&gt;:Enabled</c> or its older switch).</summary>
    public bool IsEnabled(IServiceProvider services) => _enabled(services);

    /// <summary>The module's single instance.</summary>
    public IXmppModule Resolve(IServiceProvider services) => _resolve(services);

    private static void AddModule<TModule>(IServiceCollection collection, Action<IServiceCollection>? services)
        where TModule : class, IXmppModule
    {
        services?.Invoke(collection);
        collection.AddSingleton<TModule>();
    }
}
