using Parley.Client;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>Builds and awaits type='chat' messages (RFC 6121 §5) on a <see cref="XmppClient"/>.</summary>
internal static class ChatMessages
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static Element Create(Jid to, string body)
    {
        var message = new Element("message", Namespaces.Client).SetAttribute("to", to.ToString()).SetAttribute("type", "chat");
        message.AddElement("body").AddText(body);
        return message;
    }

    /// <summary>The next message with a body, skipping other stanzas (presence, for example); fails after <see cref="Timeout"/>.</summary>
    public static async Task<Element> NextAsync(XmppClient client)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (await client.ReadStanzaAsync(timeout.Token) is { } stanza)
        {
            if (stanza.Is("message", Namespaces.Client) && stanza.ChildText("body", Namespaces.Client) is not null)
            {
                return stanza;
            }
        }

        throw new InvalidOperationException("The stream closed before a message arrived.");
    }

    /// <summary>The next message, or a failure with the peer's output as soon as the peer process exits without sending it.</summary>
    public static async Task<Element> NextFromAsync(XmppClient client, ChildProcess peer)
    {
        var message = NextAsync(client);
        var exited = peer.WaitForExitAsync(Timeout);
        if (await Task.WhenAny(message, exited) != message)
        {
            Assert.Fail($"{peer.Name} ended before sending its message. Output:\n{peer.Output}");
        }

        return await message;
    }

    public static string Body(Element message) => message.ChildText("body", Namespaces.Client) ?? "";
}
