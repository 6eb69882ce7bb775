using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Cli;
using Parley.Cli.Commands;
using Parley.Server.Hosting;
using CommandLine = Parley.Cli.Cli;

namespace Parley.Server.Tests.Cli;

/// <summary>`parley serve` options land on the configuration keys docs/configuration.md names.</summary>
public sealed class ServeOptionsTests
{
    [Fact]
    public void S2s_options_map_onto_their_keys()
    {
        var options = Resolve(
            "--s2s-port", "15269",
            "--s2s-route", "prosody.example=127.0.0.2:5269",
            "--s2s-route=Other.Example=[::1]:15270",
            "--s2s-cert-policy", "require");

        Assert.Equal(15269, options.S2s.Port);
        Assert.Equal("require", options.S2s.CertificatePolicy);
        Assert.Equal(2, options.S2s.Routes.Count);
        Assert.Equal("127.0.0.2:5269", options.S2s.Routes["prosody.example"]);
        Assert.Equal("[::1]:15270", options.S2s.Routes["other.example"]);
    }

    [Fact]
    public void S2s_defaults_apply_without_options()
    {
        var s2s = Resolve().S2s;

        Assert.Equal(5269, s2s.Port);
        Assert.Empty(s2s.Routes);
        Assert.Equal("dialback", s2s.CertificatePolicy);
        Assert.Empty(s2s.DomainPolicies);
        Assert.Equal("", s2s.CaCertificatesPath);
        Assert.Equal(10, s2s.ConnectTimeoutSeconds);
        Assert.Equal(600, s2s.IdleTimeoutSeconds);
        Assert.Equal(1000, s2s.MaxQueuedStanzas);
    }

    [Fact]
    public void S2s_port_zero_disables_the_listener_and_is_valid()
    {
        Assert.Equal(0, Resolve("--s2s-port", "0").S2s.Port);
    }

    [Theory]
    [InlineData("--s2s-route", "prosody.example")]
    [InlineData("--s2s-route", "=127.0.0.1:5269")]
    [InlineData("--s2s-route", "prosody.example=")]
    [InlineData("--s2s-port", "five")]
    [InlineData("--s2s-cert-policy", "off", "--s2s-cert-policy", "require")]
    public void Malformed_s2s_options_are_usage_errors(params string[] args)
    {
        Assert.Throws<UsageException>(() => ServeCommand.Configuration(ServeCommand.Parse(args)));
    }

    [Theory]
    [InlineData("S2s:CertificatePolicy", "--s2s-cert-policy", "strict")]
    [InlineData("S2s:CertificatePolicy", "--s2s-cert-policy", "1")]
    [InlineData("S2s:Port", "--s2s-port", "70000")]
    [InlineData("S2s:Routes:prosody.example", "--s2s-route", "prosody.example=127.0.0.1")]
    [InlineData("S2s:Routes:prosody.example", "--s2s-route", "prosody.example=127.0.0.1:0")]
    [InlineData("S2s:Routes:prosody.example", "--s2s-route", "prosody.example=::1:5269")]
    [InlineData("S2s:Routes:bad domain", "--s2s-route", "bad domain=127.0.0.1:5269")]
    public async Task Invalid_s2s_values_stop_serve_naming_the_key(string key, params string[] args)
    {
        using var data = new Storage.TempDataDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CommandLine.RunAsync(["serve", "--data", data.Path, "--c2s-port", "0", "--c2s-tls-port", "0", .. args], output, error, TextReader.Null);

        Assert.Equal(1, code);
        Assert.Equal("", output.ToString());
        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Component_options_map_onto_their_keys()
    {
        var options = Resolve("--component-port", "15347", "--component", "echo.localhost=s3cret=with=equals", "--component", "Other.Localhost= two words");

        Assert.Equal(15347, options.Components.Port);
        Assert.Equal("s3cret=with=equals", options.Components.Secrets["echo.localhost"]);
        Assert.Equal(" two words", options.Components.Secrets["other.localhost"]);
        Assert.Equal(0, Resolve().Components.Port);
        Assert.Empty(Resolve().Components.Secrets);
    }

    [Theory]
    [InlineData("--component", "echo.localhost")]
    [InlineData("--component", "=secret")]
    [InlineData("--component", "echo.localhost=")]
    [InlineData("--component-port", "five")]
    public void Malformed_component_options_are_usage_errors(params string[] args)
    {
        Assert.Throws<UsageException>(() => ServeCommand.Configuration(ServeCommand.Parse(args)));
    }

    [Theory]
    [InlineData("Components:Port", "--component-port", "70000")]
    [InlineData("Components:Port", "--component-port", "5269", "--s2s-port", "5269")]
    [InlineData("Components:Secrets:localhost", "--component", "localhost=secret")]
    [InlineData("Components:Secrets:bad domain", "--component", "bad domain=secret")]
    public async Task Invalid_component_values_stop_serve_naming_the_key(string key, params string[] args) =>
        await Invalid_s2s_values_stop_serve_naming_the_key(key, args);

    private static ParleyOptions Resolve(params string[] args)
    {
        var configuration = ServeCommand.Configuration(ServeCommand.Parse(args));
        using var services = new ServiceCollection().AddParleyCore(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<ParleyOptions>>().Value;
    }
}
