using Parley.Client;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// One user on one of two federated servers, connected with <see cref="XmppClient"/>, and the
/// RFC 6121 steps two such users take to become contacts and talk: roster items, subscription
/// requests and approvals both ways (§3.1), presence (§4), messages (§5). Every step awaits the
/// stanza the other side must receive, so a test fails at the first step that did not cross.
/// </summary>
internal sealed class FederatedContact : IAsyncDisposable
{
    private const string Roster = "jabber:iq:roster";

    private FederatedContact(XmppClient client, Jid jid)
    {
        Client = client;
        Jid = jid;
        Inbox = new ClientInbox(client);
    }

    public XmppClient Client { get; }

    /// <summary>The bound full JID.</summary>
    public Jid Jid { get; }

    public ClientInbox Inbox { get; }

    /// <summary>
    /// Logs in, asks for the roster and sends initial presence (RFC 6121 §2.2, §4.2): a resource
    /// that never asked for the roster is not an interested resource (§2.1.6), so servers send it
    /// neither roster pushes nor subscription approvals.
    /// </summary>
    private static async Task<FederatedContact> ConnectAsync(XmppClientOptions options)
    {
        var client = new XmppClient(options);
        try
        {
            var jid = await client.ConnectAsync();
            var contact = new FederatedContact(client, jid);
            await RosterAsync(client);
            await client.SendAsync(new Element("presence", Namespaces.Client));
            return contact;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Everything two users on federated servers do: log in, become contacts (<see cref="BecomeContactsAsync"/>),
    /// exchange a message each way, and find each other in their rosters with subscription='both'.
    /// </summary>
    public static async Task ProveAsync(XmppClientOptions user, XmppClientOptions contact)
    {
        await using var a = await ConnectAsync(user);
        await using var b = await ConnectAsync(contact);

        await BecomeContactsAsync(a, b);
        var atB = await a.SendMessageAsync(b, $"hello {b.Jid.Domain}, from {a.Jid.Domain} <&>");
        var atA = await b.SendMessageAsync(a, $"hello {a.Jid.Domain}, from {b.Jid.Domain}");

        // RFC 6120 §8.1.2.1: the sender's server stamps its full JID; nothing rewrote it on the way.
        Assert.Equal(a.Jid.ToString(), atB.GetAttribute("from"));
        Assert.Equal(b.Jid.ToString(), atA.GetAttribute("from"));
        Assert.Equal("both", (await a.RosterItemAsync(b.Jid.Bare))?.GetAttribute("subscription"));
        Assert.Equal("both", (await b.RosterItemAsync(a.Jid.Bare))?.GetAttribute("subscription"));
    }

    /// <summary>
    /// The whole handshake of RFC 6121 §3.1 in both directions: each adds the other to its roster,
    /// <paramref name="user"/> asks first, the contact approves and asks back, the user approves.
    /// Returns once both rosters say subscription='both' and each has the other's presence.
    /// </summary>
    private static async Task BecomeContactsAsync(FederatedContact user, FederatedContact contact)
    {
        await user.AddToRosterAsync(contact.Jid.Bare);
        await contact.AddToRosterAsync(user.Jid.Bare);

        await user.SendPresenceAsync(contact.Jid.Bare, "subscribe");
        await contact.Inbox.WaitAsync(Presence(user.Jid.Bare, "subscribe"), $"a subscription request from {user.Jid.Bare}");
        await contact.SendPresenceAsync(user.Jid.Bare, "subscribed");
        await contact.SendPresenceAsync(user.Jid.Bare, "subscribe");

        await user.Inbox.WaitAsync(Presence(contact.Jid.Bare, "subscribed"), $"the approval of {contact.Jid.Bare}");
        await user.Inbox.WaitAsync(Presence(contact.Jid.Bare, "subscribe"), $"a subscription request from {contact.Jid.Bare}");
        await user.SendPresenceAsync(contact.Jid.Bare, "subscribed");
        await contact.Inbox.WaitAsync(Presence(user.Jid.Bare, "subscribed"), $"the approval of {user.Jid.Bare}");

        // RFC 6121 §2.1.6 roster pushes: the servers' own record of the mutual subscription.
        await user.Inbox.WaitAsync(RosterPush(contact.Jid.Bare, "both"), $"a roster push of {contact.Jid.Bare} with subscription='both'");
        await contact.Inbox.WaitAsync(RosterPush(user.Jid.Bare, "both"), $"a roster push of {user.Jid.Bare} with subscription='both'");

        // RFC 6121 §3.1.5 / §4.3: after approval each server sends its user's current presence.
        await user.Inbox.WaitAsync(Available(contact.Jid), $"the available presence of {contact.Jid}");
        await contact.Inbox.WaitAsync(Available(user.Jid), $"the available presence of {user.Jid}");
    }

    /// <summary>A chat message to <paramref name="to"/>'s full JID; returns it as <paramref name="to"/> received it.</summary>
    private async Task<Element> SendMessageAsync(FederatedContact to, string body)
    {
        await Client.SendAsync(ChatMessages.Create(to.Jid, body));
        return await to.Inbox.WaitAsync(
            s => s.Is("message", Namespaces.Client) && s.ChildText("body", Namespaces.Client) == body,
            $"the message '{body}' from {Jid}");
    }

    /// <summary>This user's roster item for <paramref name="contact"/>, fetched fresh (RFC 6121 §2.1.3).</summary>
    private async Task<Element?> RosterItemAsync(Jid contact)
    {
        var result = await RosterAsync(Client);
        return result.Child("query", Roster)?.Children("item", Roster).FirstOrDefault(i => i.GetAttribute("jid") == contact.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Client.IsConnected)
            {
                await Client.CloseAsync();
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
        {
            // The peer went first; disposal below still releases the connection.
        }

        await Client.DisposeAsync();
    }

    private async Task AddToRosterAsync(Jid contact)
    {
        var set = new Element("iq", Namespaces.Client).SetAttribute("type", "set");
        set.AddElement("query", Roster).AddElement("item", Roster).SetAttribute("jid", contact.ToString());
        var result = await Client.SendIqAsync(set);
        Assert.True(result.GetAttribute("type") == "result", $"{Jid} could not add {contact} to its roster: {result}");
    }

    private static Task<Element> RosterAsync(XmppClient client)
    {
        var get = new Element("iq", Namespaces.Client).SetAttribute("type", "get");
        get.AddElement("query", Roster);
        return client.SendIqAsync(get);
    }

    private ValueTask SendPresenceAsync(Jid to, string type) =>
        Client.SendAsync(new Element("presence", Namespaces.Client).SetAttribute("to", to.ToString()).SetAttribute("type", type));

    private static Func<Element, bool> Presence(Jid from, string type) =>
        s => s.Is("presence", Namespaces.Client) && s.GetAttribute("type") == type && FromBare(s) == from;

    private static Func<Element, bool> Available(Jid from) =>
        s => s.Is("presence", Namespaces.Client) && s.GetAttribute("type") is null && s.GetAttribute("from") == from.ToString();

    private static Func<Element, bool> RosterPush(Jid contact, string subscription) =>
        s => s.Is("iq", Namespaces.Client) && s.GetAttribute("type") == "set"
            && s.Child("query", Roster)?.Child("item", Roster) is { } item
            && item.GetAttribute("jid") == contact.ToString() && item.GetAttribute("subscription") == subscription;

    private static Jid? FromBare(Element stanza) =>
        Jid.TryParse(stanza.GetAttribute("from"), out var from) ? from.Bare : null;
}
