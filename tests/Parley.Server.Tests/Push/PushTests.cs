using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Modules.Push;
using Parley.Server.Sessions;
using Parley.Server.Tests.Components;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.StreamManagement;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Push;

/// <summary>
/// XEP-0357 over real sockets: the app server is an external component (XEP-0114) written here, which
/// receives the publishes the server sends for juliet and answers them as the test says.
/// </summary>
public sealed class PushTests
{
    private const string AppServer = "push.localhost";
    private const string Secret = "app-s3cret";
    private const string PushNs = PushModule.Namespace;
    private const string PubSub = "http://jabber.org/protocol/pubsub";
    private static readonly Jid Balcony = Jid.Parse("juliet@localhost/balcony");

    private static string Enable(string node = "n1", string? secret = "token-1") =>
        $"<iq type='set' id='enable'><enable xmlns='{PushNs}' jid='{AppServer}' node='{node}'>"
        + (secret is null ? "" : $"<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field><field var='secret'><value>{secret}</value></field></x>")
        + "</enable></iq>";

    private static string Chat(string body) => $"<message to='juliet@localhost' type='chat'><body>{body}</body></message>";

    private static async Task<TestServer> ServerAsync(string? data = null, params (string Key, string Value)[] settings)
    {
        (string, string)[] all = [("Components:Port", "5347"), ("Components:Secrets:" + AppServer, Secret), ("Modules:Push:MinIntervalSeconds", "0"), .. settings];
        var fresh = data is null || !Directory.Exists(data);
        var server = await TestServer.StartAsync(data is null ? all : [.. all, ("DataDirectory", data)]);
        if (fresh)
        {
            await server.CreateAccountAsync("juliet", "secret");
            await server.CreateAccountAsync("romeo", "secret");
        }

        return server;
    }

    /// <summary>Reads the next publish the app server gets and checks it is one, from juliet, to the node.</summary>
    private static async Task<Element> ExpectPublishAsync(RawStream app, string node = "n1")
    {
        var iq = await app.ExpectAsync("iq", Namespaces.ComponentAccept);
        Assert.Equal(("set", "juliet@localhost", AppServer), (iq.GetAttribute("type"), iq.GetAttribute("from"), iq.GetAttribute("to")));
        Assert.Equal(node, iq.Child("pubsub", PubSub)?.Child("publish", PubSub)?.GetAttribute("node"));
        return iq;
    }

    private static Dictionary<string, string?> Summary(Element publish)
    {
        var form = publish.Child("pubsub", PubSub)!.Child("publish", PubSub)!.Child("item", PubSub)!.Child("notification", PushNs)!.Child("x", Namespaces.DataForms)!;
        return form.Children("field", Namespaces.DataForms).ToDictionary(f => f.GetAttribute("var")!, f => f.ChildText("value", Namespaces.DataForms));
    }

    private static Task AnswerAsync(RawStream app, Element publish, string? error = null) =>
        app.SendAsync(error is null
            ? $"<iq type='result' from='{AppServer}' to='juliet@localhost' id='{publish.GetAttribute("id")}'/>"
            : $"<iq type='error' from='{AppServer}' to='juliet@localhost' id='{publish.GetAttribute("id")}'>{error}</iq>");

    /// <summary>
    /// Romeo sends a marker to the app server after what he sent before: the app server gets it next only
    /// if nothing was published meanwhile (a publish goes out while romeo's message is routed, before his next).
    /// </summary>
    private static async Task ExpectNoPublishAsync(RawStream romeo, RawStream app)
    {
        var id = "marker-" + Guid.NewGuid().ToString("N");
        await romeo.SendAsync($"<message to='marker@{AppServer}' id='{id}'><body>marker</body></message>");
        var next = await app.ExpectAsync();
        Assert.True(next.Is("message", Namespaces.ComponentAccept) && next.GetAttribute("id") == id, "Expected no publish, got " + next);
    }

    [Fact]
    [Trait("Conformance", "XEP-0357 §5 §7")]
    public async Task A_hibernated_or_offline_session_gets_notifications_and_an_online_one_does_not()
    {
        await using var server = await ServerAsync();
        await using var app = await ExternalComponentTests.ConnectAsync(server, AppServer, Secret);
        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret", "garden");
        await using var juliet = await SmClient.LoginAsync(server, "juliet", "balcony");
        await juliet.Raw.SendAsync("<presence/>");

        // §5: the account advertises push; enabling is answered with a result.
        var info = await juliet.Raw.AskAsync("<iq type='get' id='d1' to='juliet@localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        Assert.Contains(PushNs, info.Child("query", Namespaces.DiscoInfo)!.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var")));
        Assert.Equal("result", (await juliet.Raw.AskAsync(Enable())).GetAttribute("type"));

        // Online and connected: she gets the message, the app server nothing.
        await romeo.SendAsync(Chat("online"));
        await juliet.ExpectMessageAsync("online");
        await ExpectNoPublishAsync(romeo, app);

        // Her connection dies: hibernated (XEP-0198), so the next message is notified.
        var session = server.Services.GetRequiredService<ISessionDirectory>().Find(Balcony)!;
        await juliet.Raw.DisposeAsync();
        await StreamManagementTests.WaitUntilAsync(() => session.IsDetached);
        await romeo.SendAsync(Chat("are you there?"));
        var publish = await ExpectPublishAsync(app);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["FORM_TYPE"] = "urn:xmpp:push:summary",
            ["message-count"] = "1",
            ["last-message-sender"] = "romeo@localhost/garden",
        }, Summary(publish));
        // The client's publish-options go with it, to the app server only.
        var options = publish.Child("pubsub", PubSub)!.Child("publish-options", PubSub)!.Child("x", Namespaces.DataForms)!;
        Assert.Equal("token-1", options.Children("field", Namespaces.DataForms).Single(f => f.GetAttribute("var") == "secret").ChildText("value", Namespaces.DataForms));
        await AnswerAsync(app, publish);

        await romeo.SendAsync(Chat("hello?"));
        var second = await ExpectPublishAsync(app);
        Assert.Equal("2", Summary(second)["message-count"]);
        await AnswerAsync(app, second);

        // Resumed: online again, no notification, and the count starts over.
        Assert.True((await juliet.ResumeAsync(server, "juliet")).Is("resumed", SmClient.Ns));
        // <resumed/> may reach her while the session is still being moved: her ping is read after the move.
        await juliet.SyncAsync("resumed");
        await romeo.SendAsync(Chat("back"));
        await juliet.ExpectMessageAsync("back");
        await ExpectNoPublishAsync(romeo, app);

        // Gone for good (closed her stream): offline storage, and a notification counting from her last time online.
        await juliet.Raw.SendAsync("</stream:stream>");
        await StreamManagementTests.WaitUntilAsync(() => server.Services.GetRequiredService<ISessionDirectory>().Find(Balcony) is null);
        await romeo.SendAsync(Chat("offline"));
        var third = await ExpectPublishAsync(app);
        Assert.Equal("1", Summary(third)["message-count"]);
        await AnswerAsync(app, third);

        // A subscription request is something to hear of too.
        await romeo.SendAsync("<presence to='juliet@localhost' type='subscribe'/>");
        var subscription = await ExpectPublishAsync(app);
        Assert.Equal(("1", "romeo@localhost"), (Summary(subscription)["pending-subscription-count"], Summary(subscription)["last-message-sender"]));
    }

    [Fact]
    [Trait("Conformance", "XEP-0357 §6")]
    public async Task Disable_with_or_without_a_node_stops_notifications()
    {
        await using var server = await ServerAsync();
        await using var app = await ExternalComponentTests.ConnectAsync(server, AppServer, Secret);
        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret", "garden");
        await using (var juliet = await RawStream.ConnectAsync(server.C2s))
        {
            await juliet.LoginAsync("juliet", "secret", "balcony");
            Assert.Equal("result", (await juliet.AskAsync(Enable("n1"))).GetAttribute("type"));
            Assert.Equal("result", (await juliet.AskAsync(Enable("n2", secret: null))).GetAttribute("type"));
            Assert.Equal("result", (await juliet.AskAsync(Enable("n3"))).GetAttribute("type"));
            Assert.Equal("result", (await juliet.AskAsync($"<iq type='set' id='off1'><disable xmlns='{PushNs}' jid='{AppServer}' node='n1'/></iq>")).GetAttribute("type"));
        }

        await StreamManagementTests.WaitUntilAsync(() => server.Services.GetRequiredService<ISessionDirectory>().Find(Balcony) is null);
        await romeo.SendAsync(Chat("one"));
        var nodes = new List<string?>();
        for (var i = 0; i < 2; i++)
        {
            var publish = await app.ExpectAsync("iq", Namespaces.ComponentAccept);
            nodes.Add(publish.Child("pubsub", PubSub)!.Child("publish", PubSub)!.GetAttribute("node"));
            // n2 was enabled without publish-options: none are sent.
            Assert.Equal(nodes[^1] == "n2", publish.Child("pubsub", PubSub)!.Child("publish-options", PubSub) is null);
            await AnswerAsync(app, publish);
        }

        Assert.Equal(["n2", "n3"], nodes.Order());

        // Without a node: every registration with that app server goes.
        await using (var juliet = await RawStream.ConnectAsync(server.C2s))
        {
            await juliet.LoginAsync("juliet", "secret", "phone");
            Assert.Equal("result", (await juliet.AskAsync($"<iq type='set' id='off2'><disable xmlns='{PushNs}' jid='{AppServer}'/></iq>")).GetAttribute("type"));
        }

        await StreamManagementTests.WaitUntilAsync(() => server.Services.GetRequiredService<ISessionDirectory>().Resources(Balcony.Bare).Count == 0);
        await romeo.SendAsync(Chat("two"));
        await ExpectNoPublishAsync(romeo, app);
        Assert.Empty(server.Services.GetRequiredService<PushRegistrations>().Of(Balcony));
    }

    [Fact]
    [Trait("Conformance", "XEP-0357 §8")]
    public async Task An_error_from_the_app_server_disables_the_registration_and_a_wait_error_does_not()
    {
        await using var server = await ServerAsync();
        await using var app = await ExternalComponentTests.ConnectAsync(server, AppServer, Secret);
        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret", "garden");
        await using (var juliet = await RawStream.ConnectAsync(server.C2s))
        {
            await juliet.LoginAsync("juliet", "secret", "balcony");
            Assert.Equal("result", (await juliet.AskAsync(Enable())).GetAttribute("type"));
        }

        await StreamManagementTests.WaitUntilAsync(() => server.Services.GetRequiredService<ISessionDirectory>().Find(Balcony) is null);
        await romeo.SendAsync(Chat("one"));
        await AnswerAsync(app, await ExpectPublishAsync(app), "<error type='wait'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");

        await romeo.SendAsync(Chat("two"));
        var second = await ExpectPublishAsync(app);
        Assert.Equal("2", Summary(second)["message-count"]);
        await AnswerAsync(app, second, "<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
        await StreamManagementTests.WaitUntilAsync(() => server.Services.GetRequiredService<PushRegistrations>().Of(Balcony).Length == 0);

        await romeo.SendAsync(Chat("three"));
        await ExpectNoPublishAsync(romeo, app);
    }

    [Fact]
    [Trait("Conformance", "XEP-0357 §7")]
    public async Task Events_while_a_notification_is_unanswered_are_summed_into_the_next_one()
    {
        await using var server = await ServerAsync();
        await using var app = await ExternalComponentTests.ConnectAsync(server, AppServer, Secret);
        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret", "garden");
        await using (var juliet = await RawStream.ConnectAsync(server.C2s))
        {
            await juliet.LoginAsync("juliet", "secret", "balcony");
            Assert.Equal("result", (await juliet.AskAsync(Enable())).GetAttribute("type"));
        }

        await StreamManagementTests.WaitUntilAsync(() => server.Services.GetRequiredService<ISessionDirectory>().Find(Balcony) is null);
        await romeo.SendAsync(Chat("1"));
        var first = await ExpectPublishAsync(app);
        for (var i = 2; i <= 5; i++)
        {
            await romeo.SendAsync(Chat(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        // One in flight at a time: the four messages meanwhile wait for its answer, then go as one.
        await ExpectNoPublishAsync(romeo, app);
        await AnswerAsync(app, first);
        var summed = await ExpectPublishAsync(app);
        Assert.Equal("5", Summary(summed)["message-count"]);
        await AnswerAsync(app, summed);
        await ExpectNoPublishAsync(romeo, app);
    }

    [Fact]
    [Trait("Conformance", "XEP-0357 §5")]
    public async Task Bad_enables_are_refused_and_the_oldest_registration_beyond_the_limit_is_forgotten()
    {
        await using var server = await ServerAsync(settings: [("Modules:Push:MaxRegistrationsPerAccount", "2"), ("S2s:Port", "0")]);
        await using var juliet = await RawStream.ConnectAsync(server.C2s);
        await juliet.LoginAsync("juliet", "secret", "balcony");
        await using var romeo = await RawStream.ConnectAsync(server.C2s);
        await romeo.LoginAsync("romeo", "secret", "garden");

        async Task<string?> RefusalAsync(RawStream client, string payload, string? to = null) =>
            Exchange.Condition(await client.AskAsync($"<iq type='set' id='bad'{(to is null ? "" : $" to='{to}'")}>{payload}</iq>"));

        Assert.Equal("bad-request", await RefusalAsync(juliet, $"<enable xmlns='{PushNs}' node='n'/>"));
        Assert.Equal("jid-malformed", await RefusalAsync(juliet, $"<enable xmlns='{PushNs}' jid='@bad' node='n'/>"));
        // Federation is off (S2s:Port 0): another domain cannot be reached.
        Assert.Equal("remote-server-not-found", await RefusalAsync(juliet, $"<enable xmlns='{PushNs}' jid='push.example.net' node='n'/>"));
        Assert.Equal("not-acceptable", await RefusalAsync(juliet, $"<enable xmlns='{PushNs}' jid='romeo@localhost' node='n'/>"));
        Assert.Equal("bad-request", await RefusalAsync(juliet,
            $"<enable xmlns='{PushNs}' jid='{AppServer}' node='n'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:example</value></field></x></enable>"));
        // Nobody manages another account's registrations.
        Assert.Equal("forbidden", await RefusalAsync(romeo, $"<enable xmlns='{PushNs}' jid='{AppServer}' node='n'/>", to: "juliet@localhost"));
        Assert.Empty(server.Services.GetRequiredService<PushRegistrations>().Of(Balcony));

        foreach (var node in new[] { "a", "b", "c" })
        {
            Assert.Equal("result", (await juliet.AskAsync(Enable(node))).GetAttribute("type"));
        }

        Assert.Equal(["b", "c"], server.Services.GetRequiredService<PushRegistrations>().Of(Balcony).Select(d => d.Registration.Node));
    }

    [Fact]
    [Trait("Conformance", "XEP-0357 §5")]
    public async Task Registrations_survive_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "parley-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await ServerAsync(data))
            {
                await using var juliet = await RawStream.ConnectAsync(first.C2s);
                await juliet.LoginAsync("juliet", "secret", "balcony");
                Assert.Equal("result", (await juliet.AskAsync(Enable())).GetAttribute("type"));
            }

            await using var second = await ServerAsync(data);
            await using var app = await ExternalComponentTests.ConnectAsync(second, AppServer, Secret);
            await using var romeo = await RawStream.ConnectAsync(second.C2s);
            await romeo.LoginAsync("romeo", "secret", "garden");
            await romeo.SendAsync(Chat("after the restart"));
            var publish = await ExpectPublishAsync(app);
            Assert.Equal("1", Summary(publish)["message-count"]);
            await AnswerAsync(app, publish);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
