using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Tests.Storage;

namespace Parley.Server.Tests.Hosting;

public sealed class ParleyConfigurationTests : IDisposable
{
    private readonly TempDataDirectory _folder = new();

    /// <summary>A prefix no other test uses, so setting variables here cannot leak into them.</summary>
    private readonly string _prefix = "PARLEYTEST_" + Guid.NewGuid().ToString("N") + "_";

    public void Dispose()
    {
        foreach (var name in new[] { "C2sTlsPort", "Limits__MaxDepth", "C2sPort" })
        {
            Environment.SetEnvironmentVariable(_prefix + name, null);
        }

        _folder.Dispose();
    }

    [Fact]
    public void Command_line_beats_environment_beats_file()
    {
        var file = WriteConfig("""{ "C2sPort": 1000, "C2sTlsPort": 1001, "Limits": { "MaxDepth": 7, "MaxStanzaBytes": 4096 } }""");
        Environment.SetEnvironmentVariable(_prefix + "C2sTlsPort", "2001");
        Environment.SetEnvironmentVariable(_prefix + "Limits__MaxDepth", "8");
        Environment.SetEnvironmentVariable(_prefix + "C2sPort", "2000");

        var configuration = ParleyConfiguration.Build(file, new Dictionary<string, string?> { ["C2sPort"] = "3000" }, _prefix);

        Assert.Equal("3000", configuration["C2sPort"]);
        Assert.Equal("2001", configuration["C2sTlsPort"]);
        Assert.Equal("8", configuration["Limits:MaxDepth"]);
        Assert.Equal("4096", configuration["Limits:MaxStanzaBytes"]);
    }

    [Fact]
    public void A_command_line_list_replaces_the_file_list()
    {
        var file = WriteConfig("""{ "Domains": ["a.example", "b.example", "c.example"] }""");

        var configuration = ParleyConfiguration.Build(file, new Dictionary<string, string?> { ["Domains:0"] = "z.example" }, _prefix);
        using var services = new ServiceCollection().AddParleyCore(configuration).BuildServiceProvider();

        Assert.Equal(["z.example"], services.GetRequiredService<IOptions<ParleyOptions>>().Value.Domains);
    }

    [Fact]
    public void A_missing_configuration_file_is_an_error()
    {
        Assert.Throws<FileNotFoundException>(() => ParleyConfiguration.Build(Path.Combine(_folder.Path, "missing.json"), new Dictionary<string, string?>(), _prefix));
    }

    private string WriteConfig(string json)
    {
        Directory.CreateDirectory(_folder.Path);
        var path = Path.Combine(_folder.Path, "parley.json");
        File.WriteAllText(path, json);
        return path;
    }
}
