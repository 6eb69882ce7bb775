using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Tests.Hosting;

public sealed class ServerSecretTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("parley-secret-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private ServerSecret NewSecret() => new(Options.Create(new ParleyOptions { DataDirectory = _data }));

    [Fact]
    public void Survives_a_restart_and_is_private_to_the_owner()
    {
        var first = NewSecret().Value;
        var second = NewSecret().Value;

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        Assert.Contains(first, b => b != 0);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data, ServerSecret.FileName)));
        }
    }

    [Fact]
    public void A_damaged_secret_file_is_replaced()
    {
        File.WriteAllBytes(Path.Combine(_data, ServerSecret.FileName), [1, 2, 3]);

        var secret = NewSecret().Value;

        Assert.Equal(32, secret.Length);
        Assert.Equal(secret, File.ReadAllBytes(Path.Combine(_data, ServerSecret.FileName)));
    }
}
