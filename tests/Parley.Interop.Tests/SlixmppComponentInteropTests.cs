using System.Globalization;
using Parley.Client;
using Parley.Interop.Tests.Infrastructure;
using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests;

/// <summary>
/// XEP-0114 with a component nobody here wrote: slixmpp's ComponentXMPP (Debian's python3-slixmpp)
/// connects to the component listener of the real server and echoes chat messages to a user logged
/// in with the Parley client library.
/// </summary>
[Collection(ParleyServerCollection.Name)]
public sealed class SlixmppComponentInteropTests(ParleyServer server)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);
    private static readonly string Script = Path.Combine(RepositoryPaths.InteropScripts, "slixmpp_component.py");

    [Fact]
    [Trait("Conformance", "XEP-0114 §3")]
    public async Task Slixmpps_component_echoes_messages_to_a_user_of_another_client()
    {
        var account = await server.CreateAccountAsync("componentuser");
        await using var component = Start("echo", server.ComponentSecret);
        await component.WaitForLineAsync(line => line.Contains("\"connected\"", StringComparison.Ordinal), ScriptTimeout);

        await using var client = new XmppClient(server.ClientOptions(account));
        var user = await client.ConnectAsync();
        var echo = Jid.Parse("echo@" + server.ComponentDomain);
        var body = "hello component " + Guid.NewGuid().ToString("N");
        await client.SendAsync(ChatMessages.Create(echo, body));

        var answer = await ChatMessages.NextFromAsync(client, component);
        Assert.Equal("echo: " + body, ChatMessages.Body(answer));
        Assert.Equal(echo, Jid.Parse(answer.GetAttribute("from")!));

        await client.SendAsync(ChatMessages.Create(echo, "bye"));
        Assert.Equal("echo: bye", ChatMessages.Body(await ChatMessages.NextFromAsync(client, component)));
        var run = await ScriptRun.CompleteAsync(component, ScriptTimeout);
        run.AssertSucceeded();
        var first = run.For("component", "message").First();
        Assert.Equal(user.ToString(), first.GetProperty("frm").GetString());
        Assert.Equal(body, first.GetProperty("body").GetString());

        await client.CloseAsync();
        await client.Completion;
    }

    [Fact]
    [Trait("Conformance", "XEP-0114 §3")]
    public async Task Slixmpps_component_with_a_wrong_secret_is_refused()
    {
        await using var component = Start("refused", "not-" + server.ComponentSecret);
        var run = await ScriptRun.CompleteAsync(component, ScriptTimeout);

        run.AssertSucceeded();
        run.Single("component", "refused");
        Assert.Contains($"for {server.ComponentDomain} refused: NotAuthorized", server.Output, StringComparison.Ordinal);
    }

    private ChildProcess Start(string mode, string secret) =>
        ChildProcess.Start(
            RepositoryPaths.Python,
            [Script, mode, ParleyServer.Host, server.ComponentPort.ToString(CultureInfo.InvariantCulture), server.ComponentDomain, secret],
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
}
