using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Streams;

namespace Parley.Server.Tests.Hosting;

/// <summary>One registration per module (<see cref="ServerModules"/>): its Modules:&lt;Name&gt;:* options, its switch, its older switch.</summary>
public sealed class ModuleRegistrationTests
{
    [Fact]
    public void Every_module_has_one_name_and_its_switch_is_documented()
    {
        Assert.Equal(ServerModules.All.Count, ServerModules.All.Select(m => m.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var documentation = File.ReadAllText(Path.Combine(Repository.Root, "docs", "configuration.md"));
        Assert.All(ServerModules.All, module => Assert.Contains($"| `Modules:{module.Name}:Enabled` |", documentation, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Carbons", null, null, true)]
    [InlineData("Carbons", "false", null, false)]
    [InlineData("Carbons", null, "false", false)]
    [InlineData("Carbons", "false", "true", true)]
    [InlineData("Register", null, null, false)]
    [InlineData("Register", "true", null, true)]
    [InlineData("Register", null, "true", true)]
    [InlineData("Ping", null, "false", false)]
    public void The_modules_key_switches_a_module_and_an_older_key_is_its_default(string module, string? olderKey, string? modulesKey, bool enabled)
    {
        var older = module switch
        {
            "Carbons" => "Carbons:Enabled",
            "Register" => "AllowRegistration",
            _ => null,
        };
        var settings = new Dictionary<string, string?>();
        if (olderKey is not null)
        {
            settings[older!] = olderKey;
        }

        if (modulesKey is not null)
        {
            settings[$"Modules:{module}:Enabled"] = modulesKey;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddParleyCore(configuration);
        var registration = ServerModules.All.Single(m => m.Name == module);
        registration.Register(services, configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(enabled, registration.IsEnabled(provider));
    }

    [Fact]
    public void A_module_with_options_of_its_own_binds_them_from_its_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Modules:Greeter:Greeting"] = "hello",
            ["Modules:Greeter:Enabled"] = "false",
        }).Build();
        var registration = ModuleRegistration.For<GreeterModule, GreeterOptions>("Greeter", services => services.AddSingleton<GreeterMarker>());
        var services = new ServiceCollection();
        registration.Register(services, configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal("hello", provider.GetRequiredService<IOptions<GreeterOptions>>().Value.Greeting);
        Assert.False(registration.IsEnabled(provider));
        Assert.NotNull(provider.GetService<GreeterMarker>());
        Assert.IsType<GreeterModule>(registration.Resolve(provider));
        Assert.Equal(typeof(GreeterOptions), registration.OptionsType);
    }

    [Theory]
    [InlineData("Modules:Archiv:Enabled", "no module is named 'Archiv' (did you mean 'Modules:Archive'?)")]
    [InlineData("Modules:Carbons:Enable", "(did you mean 'Modules:Carbons:Enabled'?)")]
    [InlineData("Modules:Carbons", "'Modules:Carbons' is a section, not a value")]
    public void A_misspelt_module_key_fails_the_start_naming_the_nearest(string key, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(key, (string?)"false")]).Build();
        Assert.Contains(ConfigurationKeys.FindUnknown(configuration), message => message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_module_switched_off_by_its_modules_key_answers_nothing()
    {
        await using var server = await TestServer.StartAsync(("AdvertiseVersion", "true"), ("Modules:Version:Enabled", "false"));
        await server.CreateAccountAsync("juliet", "secret");
        await using var client = await RawStream.ConnectAsync(server.C2s);
        await client.LoginAsync("juliet", "secret");
        await client.SendAsync("<iq type='get' id='v' to='localhost'><query xmlns='jabber:iq:version'/></iq>");
        var reply = await client.ExpectStanzaAsync("iq");
        Assert.Equal("service-unavailable", reply.Child("error", Namespaces.Client)?.Children().FirstOrDefault(c => c.Namespace == Namespaces.Stanzas)?.Name);
    }

    private sealed class GreeterOptions : ModuleOptions
    {
        public string Greeting { get; set; } = "";
    }

    private sealed class GreeterMarker;

    private sealed class GreeterModule(GreeterMarker marker, IOptions<GreeterOptions> options) : IXmppModule
    {
        public void Map(ModuleMap map) => _ = (marker, options);
    }
}
