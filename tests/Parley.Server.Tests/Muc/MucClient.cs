using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Muc;

/// <summary>The steps the MUC conversation tests share: logging users in, entering rooms, reading what a room sends.</summary>
internal static class MucClient
{
    public const string Service = "conference.localhost";

    public static async Task<RawStream[]> UsersAsync(TestServer server, params string[] names)
    {
        var clients = new RawStream[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            await server.CreateAccountAsync(names[i], "secret");
            clients[i] = await RawStream.ConnectAsync(server.C2s);
            await clients[i].LoginAsync(names[i], "secret", "r");
        }

        return clients;
    }

    /// <summary>Sends the join presence and reads until the subject message that ends the join (§7.2.15); returns everything read.</summary>
    public static async Task<List<Element>> EnterAsync(this RawStream client, string room, string nick, string join = "")
    {
        await client.SendAsync($"<presence to='{room}@{Service}/{nick}'><x xmlns='{Namespaces.Muc}'>{join}</x></presence>");
        var read = new List<Element>();
        while (true)
        {
            var element = await client.ExpectAsync();
            read.Add(element);
            Assert.NotEqual("error", element.GetAttribute("type"));
            if (element.Name == "message" && element.Child("subject", Namespaces.Client) is not null && element.Child("body", Namespaces.Client) is null)
            {
                return read;
            }
        }
    }

    /// <summary>Creates a room and accepts the default configuration (an instant room, §10.1.2).</summary>
    public static async Task<List<Element>> CreateInstantAsync(this RawStream owner, string room, string nick = "owner")
    {
        var read = await owner.EnterAsync(room, nick);
        var result = await owner.AskAsync($"<iq type='set' id='inst' to='{room}@{Service}'><query xmlns='{Namespaces.MucOwner}'><x xmlns='jabber:x:data' type='submit'/></query></iq>");
        Assert.Equal("result", result.GetAttribute("type"));
        return read;
    }

    /// <summary>
    /// Logs the users in; the first creates an instant room and every other one enters it, under its
    /// name capitalized; each stream is read past the entrances that followed its own.
    /// </summary>
    public static async Task<RawStream[]> RoomWithAsync(TestServer server, string room, params string[] names)
    {
        var users = await UsersAsync(server, names);
        await users[0].CreateInstantAsync(room, Nick(names[0]));
        for (var i = 1; i < users.Length; i++)
        {
            await users[i].EnterAsync(room, Nick(names[i]));
            for (var earlier = 0; earlier < i; earlier++)
            {
                await users[earlier].ExpectPresenceAsync();
            }
        }

        return users;
    }

    private static string Nick(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    /// <summary>Joins and expects the error presence the room answers with; returns its condition.</summary>
    public static async Task<string?> EnterRefusedAsync(this RawStream client, string room, string nick, string join = "")
    {
        await client.SendAsync($"<presence to='{room}@{Service}/{nick}'><x xmlns='{Namespaces.Muc}'>{join}</x></presence>");
        var answer = await client.ExpectAsync("presence", Namespaces.Client);
        Assert.Equal("error", answer.GetAttribute("type"));
        return Exchange.Condition(answer);
    }

    public static async Task<Element> ExpectPresenceAsync(this RawStream client) => await client.ExpectAsync("presence", Namespaces.Client);

    public static Element? Item(Element stanza) => stanza.Child("x", Namespaces.MucUser)?.Child("item", Namespaces.MucUser);

    public static IEnumerable<string> Codes(Element stanza) =>
        stanza.Child("x", Namespaces.MucUser)?.Children("status", Namespaces.MucUser).Select(s => s.GetAttribute("code")!) ?? [];

    public static async Task<Element> ExpectMessageAsync(this RawStream client) => await client.ExpectAsync("message", Namespaces.Client);
}
