using System.Globalization;
using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Interop.Tests;

/// <summary>
/// A real browser client: Converse.js (npm) on a local static page, in headless Chromium (Debian's
/// chromium through playwright-core), logs in over RFC 7395 WebSocket or XEP-0206 BOSH from another
/// origin than the server's (so the browser's origin rules and CORS apply), sends a chat message to
/// a Parley client on TCP and shows that client's reply. A screenshot of each run is kept under
/// TestResults/screenshots.
/// </summary>
[Collection(ParleyServerCollection.Name)]
public sealed class ConverseInteropTests(ParleyServer server)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);
    private static readonly string Script = Path.Combine(RepositoryPaths.InteropScripts, "converse_chat.mjs");

    [Fact]
    [Trait("Conformance", "RFC 7395 §3; RFC 6455 §10.2")]
    public Task Converse_in_chromium_chats_over_websocket() => ChatAsync("websocket", "cvws");

    [Fact]
    [Trait("Conformance", "XEP-0124 §7 §8; XEP-0206 §3 §5")]
    public Task Converse_in_chromium_chats_over_bosh() => ChatAsync("bosh", "cvbosh");

    private async Task ChatAsync(string transport, string prefix)
    {
        var browserUser = await server.CreateAccountAsync(prefix + "page");
        var peerAccount = await server.CreateAccountAsync(prefix + "peer");
        await using var peer = new XmppClient(server.ClientOptions(peerAccount));
        await peer.ConnectAsync();
        // Available (RFC 6121 §4.2), so a message to the bare JID, as Converse sends it, is delivered (§8.5.2.1).
        await peer.SendAsync(new Element("presence", Namespaces.Client));
        var body = $"hello from Converse over {transport} <&> ünï " + Guid.NewGuid().ToString("N")[..8];
        var reply = "reply to the browser " + Guid.NewGuid().ToString("N")[..8];

        var screenshots = Path.Combine(RepositoryPaths.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        await using var script = ChildProcess.Start(
            RepositoryPaths.Node,
            [
                Script, transport, ParleyServer.Host, server.HttpPort.ToString(CultureInfo.InvariantCulture),
                server.WebPagePort.ToString(CultureInfo.InvariantCulture), ParleyServer.Domain,
                browserUser.Name, browserUser.Password, peerAccount.Jid.ToString(), body, reply,
            ],
            new Dictionary<string, string> { ["SCREENSHOT"] = Path.Combine(screenshots, $"converse-{transport}.png") },
            workingDirectory: RepositoryPaths.InteropScripts);

        var message = await ChatMessages.NextFromAsync(peer, script);
        Assert.Equal(body, ChatMessages.Body(message));
        var from = Jid.Parse(message.GetAttribute("from")!);
        Assert.Equal(browserUser.Jid, from.Bare);
        await peer.SendAsync(ChatMessages.Create(from, reply));

        var run = await ScriptRun.CompleteAsync(script, ScriptTimeout);
        run.AssertSucceeded();
        Assert.StartsWith(browserUser.Jid + "/", run.Single("converse", "connected").GetProperty("jid").GetString(), StringComparison.Ordinal);
        Assert.Equal(reply, run.Single("converse", "received").GetProperty("body").GetString());
        await peer.CloseAsync();
        await peer.Completion;
    }
}
