using System.Globalization;
using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// slixmpp's own XEP-0198 and XEP-0352 plugins (Debian's python3-slixmpp) against the real server:
/// a mobile client loses its TCP connection mid-conversation and resumes the stream itself.
/// </summary>
[Collection(ParleyServerCollection.Name)]
public sealed class StreamManagementInteropTests(ParleyServer server)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    [Trait("Conformance", "XEP-0198 §5")]
    [Trait("Conformance", "XEP-0352 §4")]
    public async Task Slixmpp_resumes_after_its_connection_is_aborted_and_gets_every_message_once_in_order()
    {
        var mobile = await server.CreateAccountAsync("smmobile");
        var peer = await server.CreateAccountAsync("smpeer");
        const int Messages = 10;

        await using var script = ChildProcess.Start(
            RepositoryPaths.Python,
            [Path.Combine(RepositoryPaths.InteropScripts, "slixmpp_sm.py"), "resume", ParleyServer.Host, server.C2sPort.ToString(CultureInfo.InvariantCulture),
                mobile.Jid.ToString(), mobile.Password, peer.Jid.ToString(), peer.Password, Messages.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        Assert.True(run.Single("mobile", "sm_enabled").GetProperty("resumable").GetBoolean());
        Assert.EndsWith("/mobile", run.Single("mobile", "resumed").GetProperty("jid").GetString(), StringComparison.Ordinal);
        var received = run.Single("mobile", "received");
        Assert.Equal(Enumerable.Range(0, 2 * Messages).Select(i => "m" + i), received.GetProperty("bodies").EnumerateArray().Select(b => b.GetString()));
        Assert.Empty(received.GetProperty("extra").EnumerateArray());
    }
}
