using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Hosting;

/// <summary>Unknown configuration keys stop the start, naming the nearest key ParleyOptions binds.</summary>
public sealed class ConfigurationKeysTests
{
    [Theory]
    [InlineData("Domian", "example.org", "unknown configuration key 'Domian' (did you mean 'Domains'?)")]
    [InlineData("limits:MaxStanzaByte", "5", "unknown configuration key 'limits:MaxStanzaByte' (did you mean 'limits:MaxStanzaBytes'?)")]
    [InlineData("Tls:Domains:localhost:CertPath", "x.pem", "(did you mean 'Tls:Domains:localhost:CertificatePath'?)")]
    [InlineData("S2s:Prot", "5269", "(did you mean 'S2s:Port'?)")]
    [InlineData("Storag:Provider", "sqlite", "(did you mean 'Storage'?)")]
    [InlineData("Bind:first", "127.0.0.1", "'Bind' is a list, keyed 0, 1, 2...")]
    [InlineData("C2sPort:Value", "5222", "'C2sPort' takes a value, not sub-keys")]
    [InlineData("Limits", "5", "'Limits' is a section, not a value")]
    public void An_unknown_key_fails_the_start_and_names_the_nearest_valid_key(string key, string value, string expected)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve((key, value)));
        Assert.Contains(failure.Failures, message => message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_key_the_options_bind_is_known_including_list_entries_dictionary_keys_and_logging()
    {
        var options = Resolve(
            ("domains:0", "localhost"),
            ("Bind:0", "127.0.0.1"),
            ("Limits:MaxStanzaBytes", "1000"),
            ("S2s:Routes:example.org", "127.0.0.1:5269"),
            ("S2s:DomainPolicies:example.org", "off"),
            ("Logging:LogLevel:Default", "Warning"),
            ("Logging:Console:FormatterName", "json"));

        Assert.Equal(1000, options.Limits.MaxStanzaBytes);
    }

    [Fact]
    public void The_valid_keys_come_from_the_options_types_so_every_documented_key_is_accepted()
    {
        // docs/configuration.md lists every key in a table row starting "| `Key` |"; each must bind.
        var documented = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "configuration.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal) && !line.StartsWith("| `-", StringComparison.Ordinal))
            .Select(line => (Key: line[3..line.IndexOf('`', 3)], IsList: line.Contains("` | `[", StringComparison.Ordinal)))
            .Select(row => (row.IsList ? row.Key + ":0" : row.Key)
                .Replace("<domain>", "example.org", StringComparison.Ordinal)
                .Replace("*", "LogLevel:Default", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(documented);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(documented.Select(key => KeyValuePair.Create(key, (string?)"1"))).Build();
        Assert.Empty(ConfigurationKeys.FindUnknown(configuration));
    }

    private static ParleyOptions Resolve(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        using var services = new ServiceCollection().AddParleyCore(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<ParleyOptions>>().Value;
    }

}
