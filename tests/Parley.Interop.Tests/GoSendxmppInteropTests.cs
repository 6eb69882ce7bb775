using System.Globalization;
using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests;

/// <summary>
/// Debian's go-sendxmpp (the go-xmpp library) against the real server. go-xmpp writes
/// "&lt;/auth&gt;\n" and, after &lt;success/&gt;, the restarted stream's XML declaration, so the line
/// break comes before the declaration: refused with &lt;restricted-xml/&gt; until Parley accepted
/// whitespace there as Prosody and ejabberd do.
/// </summary>
[Collection(ParleyServerCollection.Name)]
public sealed class GoSendxmppInteropTests(ParleyServer server) : IDisposable
{
    private const string GoSendxmpp = "/usr/bin/go-sendxmpp";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // go-sendxmpp reads the message from a file and its settings from $HOME; both live here.
    private readonly string _directory = Directory.CreateTempSubdirectory("parley-gosendxmpp-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    [Trait("Conformance", "RFC 6120 §4.3.3 §6.4.6")]
    public async Task Go_sendxmpp_logs_in_over_starttls_and_delivers_a_chat_message()
    {
        var sender = await server.CreateAccountAsync("gosender");
        var reader = await server.CreateAccountAsync("goreader");
        await using var client = new XmppClient(server.ClientOptions(reader));
        var readerJid = await client.ConnectAsync();
        var body = "hello from go-xmpp " + Guid.NewGuid().ToString("N");

        // To the full JID: the Parley client sends no initial presence, so a bare JID would go offline.
        await using var process = Start(sender, body, readerJid);
        Assert.True(await process.WaitForExitAsync(Timeout) == 0, process.Output);

        var message = await ChatMessages.NextAsync(client);
        Assert.Equal(body, ChatMessages.Body(message).TrimEnd('\n'));
        Assert.Equal(sender.Jid, Jid.Parse(message.GetAttribute("from")!).Bare);
        await client.CloseAsync();
        await client.Completion;
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.5.10")]
    public async Task Go_sendxmpp_with_a_wrong_password_is_refused()
    {
        var sender = await server.CreateAccountAsync("gowrong");
        await using var process = Start(sender with { Password = sender.Password + "-wrong" }, "never delivered", sender.Jid);

        Assert.NotEqual(0, await process.WaitForExitAsync(Timeout));
        Assert.Contains("not-authorized", process.Output, StringComparison.Ordinal);
    }

    /// <summary>One go-sendxmpp run: STARTTLS on the c2s port, the test certificate not verified, the message from a file.</summary>
    private ChildProcess Start(TestAccount account, string body, Jid to)
    {
        var messageFile = Path.Combine(_directory, $"{Guid.NewGuid():N}.txt");
        File.WriteAllText(messageFile, body);
        var endpoint = string.Create(CultureInfo.InvariantCulture, $"{ParleyServer.Host}:{server.C2sPort}");
        return ChildProcess.Start(
            GoSendxmpp,
            ["--no-tls-verify", "--username", account.Jid.ToString(), "--password", account.Password, "--jserver", endpoint, "--message", messageFile, "--file", "/dev/null", to.ToString()],
            new Dictionary<string, string> { ["HOME"] = _directory });
    }
}
