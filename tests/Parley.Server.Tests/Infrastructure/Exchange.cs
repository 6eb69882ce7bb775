using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>Request/answer steps the module conversation tests share.</summary>
internal static class Exchange
{
    /// <summary>Sends an IQ and returns the next IQ that arrives (presence skipped).</summary>
    public static async Task<Element> AskAsync(this RawStream client, string iq)
    {
        await client.SendAsync(iq);
        return await client.ExpectStanzaAsync("iq");
    }

    /// <summary>The defined condition of an error stanza (RFC 6120 §8.3.3), or null.</summary>
    public static string? Condition(Element stanza) =>
        stanza.Child("error", Namespaces.Client)?.Children().FirstOrDefault(c => c.Namespace == Namespaces.Stanzas && c.Name != "text")?.Name;

    /// <summary>
    /// Proves nothing else is waiting for the client: a ping to its server is answered after
    /// everything queued before it (one outbox, in order), so the very next element must be the answer.
    /// </summary>
    public static async Task ExpectNothingPendingAsync(this RawStream client)
    {
        var id = "quiet-" + Guid.NewGuid().ToString("N");
        await client.SendAsync($"<iq type='get' id='{id}'><ping xmlns='urn:xmpp:ping'/></iq>");
        var next = await client.ExpectAsync();
        Assert.True(next.Is("iq", Namespaces.Client) && next.GetAttribute("id") == id, $"Expected nothing before the ping answer, got {next}");
    }
}
