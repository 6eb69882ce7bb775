using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Tests.Hosting;

public sealed class ParleyOptionsTests
{
    [Fact]
    public void Defaults_need_no_configuration()
    {
        var options = Resolve();

        Assert.Equal(["localhost"], options.Domains);
        Assert.True(Path.IsPathFullyQualified(options.DataDirectory));
        Assert.Equal(Path.GetFullPath("data"), options.DataDirectory);
        Assert.Equal(5222, options.C2sPort);
        Assert.Equal(5223, options.C2sTlsPort);
        Assert.Empty(options.Bind);
        Assert.False(options.AllowPlaintextAuth);
        Assert.Equal("sqlite", options.Storage.Provider);
    }

    [Fact]
    public void Domains_are_held_in_prepared_form()
    {
        var options = Resolve(("Domains:0", "Example.COM."), ("Domains:1", "  localhost "), ("Domains:2", ""));

        Assert.Equal(["example.com", "localhost"], options.Domains);
    }

    [Theory]
    [InlineData("Domains:1", "not a domain", "Domains:1")]
    [InlineData("Domains:1", "LOCALHOST", "listed more than once")]
    [InlineData("C2sPort", "70000", "C2sPort")]
    [InlineData("C2sTlsPort", "-1", "C2sTlsPort")]
    [InlineData("C2sTlsPort", "5222", "C2sPort and C2sTlsPort")]
    [InlineData("Bind:0", "not-an-address", "Bind:0")]
    [InlineData("Storage:BusyTimeoutSeconds", "0", "Storage:BusyTimeoutSeconds")]
    [InlineData("Limits:MaxStanzaBytes", "0", "Limits:MaxStanzaBytes")]
    [InlineData("Limits:MaxDepth", "-3", "Limits:MaxDepth")]
    [InlineData("Limits:MaxBlocklistItems", "0", "Limits:MaxBlocklistItems")]
    [InlineData("Limits:MaxVCardBytes", "0", "Limits:MaxVCardBytes")]
    [InlineData("Limits:MaxPrivateXmlBytes", "-1", "Limits:MaxPrivateXmlBytes")]
    [InlineData("Limits:NegotiationTimeoutSeconds", "0", "Limits:NegotiationTimeoutSeconds")]
    [InlineData("Limits:OutboundQueueLength", "0", "Limits:OutboundQueueLength")]
    [InlineData("Limits:MaxResourcesPerAccount", "0", "Limits:MaxResourcesPerAccount")]
    [InlineData("Limits:IdleTimeoutSeconds", "60", "Limits:IdleTimeoutSeconds")]
    [InlineData("Limits:IdleProbeSeconds", "0", "Limits:IdleProbeSeconds")]
    [InlineData("Limits:MaxConnections", "0", "Limits:MaxConnections")]
    [InlineData("Limits:MaxConnectionsPerIp", "0", "Limits:MaxConnectionsPerIp")]
    [InlineData("Limits:ReadBytesPerSecond", "0", "Limits:ReadBytesPerSecond")]
    [InlineData("Limits:ReadBurstBytes", "-1", "Limits:ReadBurstBytes")]
    [InlineData("Limits:AuthFailuresBeforeDelay", "0", "Limits:AuthFailuresBeforeDelay")]
    [InlineData("Limits:AuthThrottleEntries", "0", "Limits:AuthThrottleEntries")]
    [InlineData("Limits:MaxAuthAttemptsPerStream", "2", "RFC 6120 §6.4.5")]
    [InlineData("Limits:MaxAuthAttemptsPerStream", "7", "RFC 6120 §6.4.5")]
    [InlineData("Limits:RegistrationsPerIpPerHour", "0", "Limits:RegistrationsPerIpPerHour")]
    [InlineData("Limits:MaxElementsPerStanza", "0", "Limits:MaxElementsPerStanza")]
    [InlineData("Limits:MaxAttributeValueBytes", "0", "Limits:MaxAttributeValueBytes")]
    [InlineData("Limits:MaxTextBytes", "0", "Limits:MaxTextBytes")]
    [InlineData("Tls:KeyPath", "key.pem", "Tls:KeyPath")]
    [InlineData("Tls:CertificatePath", "/nonexistent/cert.pem", "Tls:CertificatePath")]
    [InlineData("Storage:Provider", "oracle", "Storage:Provider")]
    public void Invalid_settings_fail_naming_the_key(string key, string value, string expected)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(("Domains:0", "localhost"), (key, value)));

        Assert.Contains(failure.Failures, message => message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_configuration_stops_the_host_at_start()
    {
        var configuration = Configuration(("C2sPort", "99999"), ("DataDirectory", Path.Combine(Path.GetTempPath(), "parley-never-created")));
        using var host = new HostBuilder().ConfigureServices(services => services.AddParleyCore(configuration)).Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(failure.Failures, message => message.Contains("C2sPort", StringComparison.Ordinal));
    }

    private static ParleyOptions Resolve(params (string Key, string Value)[] settings)
    {
        using var services = new ServiceCollection().AddParleyCore(Configuration(settings)).BuildServiceProvider();
        return services.GetRequiredService<IOptions<ParleyOptions>>().Value;
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
