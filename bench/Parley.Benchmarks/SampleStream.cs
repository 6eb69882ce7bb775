using System.Buffers;
using System.Text;
using Parley.Xmpp.Xml;

namespace Parley.Benchmarks;

/// <summary>The stream and stanza every benchmark works on, so that reading, writing and routing measure the same bytes.</summary>
internal static class SampleStream
{
    public const string Sender = "juliet@example.com/balcony";

    public const string Recipient = "romeo@example.com/orchard";

    /// <summary>A client-to-server stream header (RFC 6120 §4.7), fed once before the stanzas.</summary>
    public static readonly byte[] Header = Encoding.UTF8.GetBytes(
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' xml:lang='en'>");

    /// <summary>A typical one-to-one chat message as a client sends it (no 'from'; the server stamps it), about 200 bytes.</summary>
    public static readonly byte[] ChatMessage = Encoding.UTF8.GetBytes(
        $"<message to='{Recipient}' type='chat' id='ktx72v49' xml:lang='en'><body>Art thou not Romeo, and a Montague?</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>");

    /// <summary>A reader positioned inside an open stream, between two top-level elements.</summary>
    public static XmppStreamReader OpenReader()
    {
        var reader = new XmppStreamReader();
        var header = new ReadOnlySequence<byte>(Header);
        if (!reader.TryRead(ref header, out var opened) || opened.Kind != XmlStreamEventKind.StreamOpened)
        {
            throw new InvalidOperationException("The sample stream header did not open a stream.");
        }

        return reader;
    }

    /// <summary>Parses <see cref="ChatMessage"/> with the real reader, as routing and writing receive it.</summary>
    public static Element ParseChatMessage()
    {
        var buffer = new ReadOnlySequence<byte>(ChatMessage);
        return OpenReader().TryRead(ref buffer, out var read) && read.Element is { } message
            ? message
            : throw new InvalidOperationException("The sample message did not parse as one element.");
    }
}
