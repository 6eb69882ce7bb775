using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Tests.Hosting;

public sealed class S2sOptionsTests
{
    [Fact]
    public void Keys_bind_from_configuration()
    {
        var ca = Path.GetTempFileName();
        using (var authority = Federation.TestCertificates.Authority("Options Test CA"))
        {
            Federation.TestCertificates.WritePem(ca, authority);
        }

        try
        {
            var s2s = Resolve(
                ("S2s:Port", "0"),
                ("S2s:Routes:prosody.example", "prosody-host.test:5270"),
                ("S2s:CertificatePolicy", "Off"),
                ("S2s:DomainPolicies:bank.example", "require"),
                ("S2s:CaCertificatesPath", ca),
                ("S2s:ConnectTimeoutSeconds", "3"),
                ("S2s:IdleTimeoutSeconds", "60"),
                ("S2s:MaxQueuedStanzas", "5")).S2s;

            Assert.Equal(0, s2s.Port);
            Assert.Equal("prosody-host.test:5270", Assert.Single(s2s.Routes, r => r.Key == "prosody.example").Value);
            Assert.Equal("Off", s2s.CertificatePolicy);
            Assert.Equal("require", s2s.DomainPolicies["BANK.example"]);
            Assert.Equal(ca, s2s.CaCertificatesPath);
            Assert.Equal((3, 60, 5), (s2s.ConnectTimeoutSeconds, s2s.IdleTimeoutSeconds, s2s.MaxQueuedStanzas));
        }
        finally
        {
            File.Delete(ca);
        }
    }

    [Theory]
    [InlineData("S2s:Port", "-1", "S2s:Port")]
    [InlineData("S2s:Port", "5222", "S2s:Port 5222 is also a client port")]
    [InlineData("S2s:CertificatePolicy", "sometimes", "S2s:CertificatePolicy 'sometimes'")]
    [InlineData("S2s:DomainPolicies:bank.example", "always", "S2s:DomainPolicies:bank.example 'always'")]
    [InlineData("S2s:DomainPolicies:not a domain", "off", "S2s:DomainPolicies:not a domain is not a valid domain")]
    [InlineData("S2s:Routes:prosody.example", "host-without-port", "S2s:Routes:prosody.example 'host-without-port'")]
    [InlineData("S2s:Routes:prosody.example", "[127.0.0.1]:5269", "S2s:Routes:prosody.example")]
    [InlineData("S2s:Routes:prosody.example", "host:99999", "S2s:Routes:prosody.example")]
    [InlineData("S2s:CaCertificatesPath", "/nonexistent/ca.pem", "S2s:CaCertificatesPath")]
    [InlineData("S2s:ConnectTimeoutSeconds", "0", "S2s:ConnectTimeoutSeconds")]
    [InlineData("S2s:IdleTimeoutSeconds", "-5", "S2s:IdleTimeoutSeconds")]
    [InlineData("S2s:MaxQueuedStanzas", "0", "S2s:MaxQueuedStanzas")]
    public void Invalid_settings_fail_naming_the_key(string key, string value, string expected)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve((key, value)));

        Assert.Contains(failure.Failures, message => message.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not a certificate\n", "holds no PEM certificate")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "is not a PEM certificate bundle")]
    public void A_ca_bundle_without_certificates_is_refused(string content, string expected)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, content);

            var failure = Assert.Throws<OptionsValidationException>(() => Resolve(("S2s:CaCertificatesPath", path)));

            Assert.Contains(failure.Failures, message => message.StartsWith("S2s:CaCertificatesPath", StringComparison.Ordinal) && message.Contains(expected, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("127.0.0.1:5269", "127.0.0.1", 5269)]
    [InlineData("[::1]:15269", "::1", 15269)]
    [InlineData(" Prosody.Example:5270 ", "prosody.example", 5270)]
    public void Routes_are_read_as_host_and_port(string value, string host, int port)
    {
        Assert.True(Parley.Server.Federation.S2sEndpoint.TryParseRoute(value, out var endpoint));
        Assert.Equal(new Parley.Server.Federation.S2sEndpoint(host, port, DirectTls: false, StaticRoute: true), endpoint);
    }

    private static ParleyOptions Resolve(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        using var services = new ServiceCollection().AddParleyCore(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<ParleyOptions>>().Value;
    }
}
