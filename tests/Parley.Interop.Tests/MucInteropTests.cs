using System.Globalization;
using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>slixmpp's own XEP-0045 and XEP-0313 plugins (Debian's python3-slixmpp) against the MUC service of the real server and a room's archive.</summary>
[Collection(ParleyServerCollection.Name)]
public sealed class MucInteropTests(ParleyServer server)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    [Trait("Conformance", "XEP-0045 §7.2 §8.2 §10.1")]
    [Trait("Conformance", "XEP-0313 (room, slixmpp)")]
    public async Task Slixmpp_creates_configures_and_moderates_a_room()
    {
        var owner = await server.CreateAccountAsync("mucowner");
        var peer = await server.CreateAccountAsync("mucpeer");

        await using var script = ChildProcess.Start(
            RepositoryPaths.Python,
            [Path.Combine(RepositoryPaths.InteropScripts, "slixmpp_muc.py"), "room", ParleyServer.Host, server.C2sPort.ToString(CultureInfo.InvariantCulture),
                owner.Jid.ToString(), owner.Password, peer.Jid.ToString(), peer.Password, "slixroom@conference." + owner.Jid.Domain],
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        var joined = run.Single("owner", "joined");
        Assert.Equal([110, 201], joined.GetProperty("codes").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal("owner", joined.GetProperty("affiliation").GetString());
        Assert.Equal(["Owner", "Peer"], run.Single("peer", "joined").GetProperty("occupants").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("Owner", run.Single("peer", "groupchat").GetProperty("nick").GetString());
        var archive = run.Single("peer", "archive");
        Assert.Equal(["welcome", "second", "third"], archive.GetProperty("bodies").EnumerateArray().Select(b => b.GetString()));
        Assert.True(archive.GetProperty("ids_match").GetBoolean());
        Assert.Equal([110, 307], run.Single("peer", "kicked").GetProperty("codes").EnumerateArray().Select(c => c.GetInt32()));
    }
}
