using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Messages;

/// <summary>Steps the message and offline tests share, over <see cref="RawStream"/>.</summary>
internal static class Chat
{
    private static int _pings;

    /// <summary>Logs in, sends initial presence (with a priority when given) and waits for its own echo.</summary>
    public static async Task<RawStream> OnlineAsync(TestServer server, string user, string resource, int? priority = null)
    {
        var stream = await RawStream.ConnectAsync(server.C2s);
        var jid = await stream.LoginAsync(user, "secret", resource);
        await stream.SendAsync(priority is null ? "<presence/>" : $"<presence><priority>{priority}</priority></presence>");
        while (true)
        {
            var presence = await stream.ExpectStanzaAsync("presence");
            if (presence.GetAttribute("from") == jid)
            {
                return stream;
            }
        }
    }

    /// <summary>
    /// Pings the server and returns the messages that arrived before the answer. Each connection's
    /// stanzas are routed in order, so after the sender's ping everything it sent is queued, and a
    /// recipient's ping shows everything queued for it.
    /// </summary>
    public static async Task<List<Element>> MessagesUntilPongAsync(RawStream stream)
    {
        var id = "sync" + Interlocked.Increment(ref _pings);
        await stream.SendAsync($"<iq type='get' id='{id}'><ping xmlns='urn:xmpp:ping'/></iq>");
        var messages = new List<Element>();
        while (true)
        {
            var element = await stream.ExpectAsync();
            if (element.Name == "message")
            {
                messages.Add(element);
            }
            else if (element.Name == "iq" && element.GetAttribute("id") == id)
            {
                return messages;
            }
        }
    }

    public static string? Body(Element message) => message.ChildText("body", Namespaces.Client);

    public static string? Condition(Element stanza) =>
        stanza.Child("error", Namespaces.Client)?.Children().FirstOrDefault(c => c.Namespace == Namespaces.Stanzas && c.Name != "text")?.Name;
}
