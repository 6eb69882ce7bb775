using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// The peers the interop tests drive are installed (scripts/install-test-deps.sh): a failure here
/// points at the environment rather than at Parley.
/// </summary>
public sealed class InteropToolsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Debian_python_imports_slixmpp()
    {
        await using var python = ChildProcess.Start(RepositoryPaths.Python, ["-c", "import slixmpp; print('slixmpp', slixmpp.__version__)"]);
        Assert.Equal(0, await python.WaitForExitAsync(Timeout));
        Assert.Contains("slixmpp 1.", python.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_resolves_xmpp_client()
    {
        await using var node = ChildProcess.Start(
            RepositoryPaths.Node,
            ["--input-type=module", "-e", "const m = await import('@xmpp/client'); console.log('client', typeof m.client);"],
            workingDirectory: RepositoryPaths.InteropScripts);
        Assert.Equal(0, await node.WaitForExitAsync(Timeout));
        Assert.Contains("client function", node.Output, StringComparison.Ordinal);
    }
}
