using System.Globalization;
using Parley.Interop.Tests.Infrastructure;

namespace Parley.Interop.Tests;

/// <summary>
/// Two clients' own carbons and archive support against the real server: slixmpp's XEP-0280 and
/// XEP-0313 plugins (Debian's python3-slixmpp) and aioxmpp's carbons client with its XEP-0313
/// payloads declared in the script (Debian's python3-aioxmpp). Two devices of one account, one
/// offline during a conversation, catching up through the archive.
/// </summary>
[Collection(ParleyServerCollection.Name)]
public sealed class ArchiveInteropTests(ParleyServer server)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);

    [Theory]
    [InlineData("slixmpp_archive.py")]
    [InlineData("aioxmpp_archive.py")]
    [Trait("Conformance", "XEP-0313 §4.3")]
    [Trait("Conformance", "XEP-0280 §6 §7")]
    public async Task A_device_that_was_offline_catches_up_through_the_archive_with_nothing_missing_or_twice(string client)
    {
        var name = client.Split('_')[0];
        var owner = await server.CreateAccountAsync(name + "devices");
        var peer = await server.CreateAccountAsync(name + "peer");
        const int Exchanges = 7;

        await using var script = ChildProcess.Start(
            RepositoryPaths.Python,
            [Path.Combine(RepositoryPaths.InteropScripts, client), "catchup", ParleyServer.Host, server.C2sPort.ToString(CultureInfo.InvariantCulture),
                owner.Jid.ToString(), owner.Password, peer.Jid.ToString(), peer.Password, Exchanges.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);

        run.AssertSucceeded();
        // Before going offline the laptop saw the peer's message and, as a carbon, the phone's reply.
        Assert.Equal("before 1", run.For("laptop", "message").First().GetProperty("body").GetString());
        var carbon = run.Single("laptop", "carbon_sent");
        Assert.Equal("before 2", carbon.GetProperty("body").GetString());
        // The sent carbon names the message's id in the account's archive (XEP-0359 §4).
        Assert.False(string.IsNullOrEmpty(carbon.GetProperty("stanza_id").GetString()));
        Assert.False(string.IsNullOrEmpty(run.For("laptop", "message").First().GetProperty("stanza_id").GetString()));

        var caughtUp = run.Single("laptop", "caught_up");
        var expected = Enumerable.Range(0, Exchanges).SelectMany(i => new[] { $"peer {i}", $"phone {i}" });
        Assert.Equal(expected, caughtUp.GetProperty("bodies").EnumerateArray().Select(b => b.GetString()));
        var ids = caughtUp.GetProperty("ids").EnumerateArray().Select(i => i.GetString()).ToList();
        Assert.Equal(ids.Distinct(), ids);
    }
}
