using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.StreamManagement;

/// <summary>
/// A raw client that keeps XEP-0198's count of the stanzas it handled (every message, presence and
/// IQ it read), as a real client does, so tests can acknowledge exactly what arrived.
/// </summary>
internal sealed class SmClient : IAsyncDisposable
{
    public const string Ns = "urn:xmpp:sm:3";

    private SmClient(RawStream raw) => Raw = raw;

    /// <summary>A client over a stream the test bound itself (nothing enabled yet).</summary>
    public static SmClient Over(RawStream raw) => new(raw);

    public RawStream Raw { get; private set; }

    /// <summary>Stanzas read from the server since &lt;enabled/&gt; (the 'h' this client would send).</summary>
    public uint Handled { get; private set; }

    /// <summary>The resumption id from &lt;enabled/&gt;.</summary>
    public string? Id { get; private set; }

    /// <summary>Bodies of every message read, in arrival order, over every connection of this client.</summary>
    public List<string> Bodies { get; } = [];

    /// <summary>Logs in and binds; with <paramref name="enable"/>, enables stream management with resumption.</summary>
    public static async Task<SmClient> LoginAsync(TestServer server, string user, string resource, bool enable = true)
    {
        var raw = await RawStream.ConnectAsync(server.C2s);
        await raw.LoginAsync(user, "secret", resource);
        var client = new SmClient(raw);
        if (enable)
        {
            await raw.SendAsync($"<enable xmlns='{Ns}' resume='true'/>");
            var enabled = await raw.ExpectAsync("enabled", Ns);
            Assert.Equal("true", enabled.GetAttribute("resume"));
            client.Id = enabled.GetAttribute("id");
            Assert.False(string.IsNullOrEmpty(client.Id));
        }

        return client;
    }

    /// <summary>
    /// A new TCP connection for the same account: TLS, authentication, then &lt;resume/&gt; with what this
    /// client handled. Returns the server's answer (&lt;resumed/&gt; or &lt;failed/&gt;); on success the
    /// client reads from the new connection from then on.
    /// </summary>
    public async Task<Element> ResumeAsync(TestServer server, string user, string? previd = null, uint? h = null)
    {
        var raw = await RawStream.ConnectAsync(server.C2s);
        await raw.SecureAsync();
        var success = await raw.AuthenticatePlainAsync(user, "secret");
        Assert.True(success.Is("success", Namespaces.Sasl), success.ToString());
        var features = await raw.OpenAsync();
        Assert.NotNull(features.Child("sm", Ns));
        await raw.SendAsync($"<resume xmlns='{Ns}' previd='{previd ?? Id}' h='{h ?? Handled}'/>");
        var answer = await raw.ExpectAsync();
        if (answer.Is("resumed", Ns))
        {
            // The server sends again everything after the 'h' given: counting goes on from there.
            await Raw.DisposeAsync();
            Raw = raw;
            Handled = h ?? Handled;
        }
        else
        {
            await raw.DisposeAsync();
        }

        return answer;
    }

    /// <summary>The next element that is not a stanza (SM's own), counting and keeping the stanzas read before it.</summary>
    public async Task<Element> ExpectNonStanzaAsync()
    {
        while (true)
        {
            var element = await Raw.ExpectAsync();
            if (!Stanza.IsStanza(element))
            {
                return element;
            }

            Count(element);
        }
    }

    /// <summary>Reads stanzas (answering SM requests with the current count) until a message with this body arrived.</summary>
    public async Task<Element> ExpectMessageAsync(string body, bool answerRequests = true)
    {
        while (true)
        {
            var element = await Raw.ExpectAsync();
            if (!Stanza.IsStanza(element))
            {
                if (answerRequests && element.Is("r", Ns))
                {
                    await AckAsync();
                }

                continue;
            }

            Count(element);
            if (element.Name == "message" && element.ChildText("body", Namespaces.Client) == body)
            {
                return element;
            }
        }
    }

    /// <summary>Reads until the answer to a ping of the server: everything sent before it has arrived and was counted.</summary>
    public async Task SyncAsync(string id = "sync")
    {
        await Raw.SendAsync($"<iq type='get' id='{id}'><ping xmlns='urn:xmpp:ping'/></iq>");
        while (true)
        {
            var element = await Raw.ExpectAsync();
            if (!Stanza.IsStanza(element))
            {
                continue;
            }

            Count(element);
            if (element.Name == "iq" && element.GetAttribute("id") == id)
            {
                return;
            }
        }
    }

    public Task AckAsync(uint? h = null) => Raw.SendAsync($"<a xmlns='{Ns}' h='{h ?? Handled}'/>");

    public ValueTask DisposeAsync() => Raw.DisposeAsync();

    private void Count(Element stanza)
    {
        Handled++;
        if (stanza.Name == "message" && stanza.ChildText("body", Namespaces.Client) is { } body)
        {
            Bodies.Add(body);
        }
    }
}
