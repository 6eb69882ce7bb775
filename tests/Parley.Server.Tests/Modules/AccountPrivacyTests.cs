using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Roster;
using Parley.Xmpp;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Modules;

/// <summary>
/// Issue 11 item 8: ping and disco to an account's bare JID, answered by the server for the
/// account, must not tell a stranger whether the account exists: without a presence subscription
/// from the account, an existing account is answered exactly as an unknown one (service-unavailable,
/// RFC 6121 §8.5.1; XEP-0030 §8). The account itself and contacts it shares presence with get the answer.
/// </summary>
public sealed class AccountPrivacyTests
{
    private static readonly string[] Requests =
    [
        "<ping xmlns='urn:xmpp:ping'/>",
        $"<query xmlns='{Namespaces.DiscoInfo}'/>",
        $"<query xmlns='{Namespaces.DiscoItems}'/>",
    ];

    [Fact]
    [Trait("Conformance", "XEP-0030 §8 XEP-0199 §4.3 RFC 6121 §8.5.1")]
    public async Task A_stranger_gets_the_same_answer_for_an_existing_account_as_for_an_unknown_one()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateAccountAsync("juliet", "secret");
        await server.CreateAccountAsync("romeo", "secret");
        await using var juliet = await SubscriptionTests.OnlineAsync(server, "juliet", "balcony");
        await using var romeo = await SubscriptionTests.OnlineAsync(server, "romeo", "garden");

        foreach (var request in Requests)
        {
            var existing = await juliet.IqAsync("get", request, "romeo@localhost");
            var unknown = await juliet.IqAsync("get", request, "nobody@localhost");
            Assert.Equal("service-unavailable", ImClient.Condition(existing));
            Assert.Equal(Shape(unknown, "nobody@localhost"), Shape(existing, "romeo@localhost"));

            // The account itself is answered.
            Assert.Equal("result", (await romeo.IqAsync("get", request, "romeo@localhost")).GetAttribute("type"));
        }

        // Once romeo shares his presence with juliet (she is subscribed to him), she is answered too.
        await juliet.SendAsync("<presence to='romeo@localhost' type='subscribe'/>");
        await romeo.PresenceAsync("juliet@localhost", "subscribe");
        await romeo.SendAsync("<presence to='juliet@localhost' type='subscribed'/>");
        await juliet.PresenceAsync("romeo@localhost/garden");
        foreach (var request in Requests)
        {
            Assert.Equal("result", (await juliet.IqAsync("get", request, "romeo@localhost")).GetAttribute("type"));
        }

        var info = await juliet.IqAsync("get", $"<query xmlns='{Namespaces.DiscoInfo}'/>", "romeo@localhost");
        var identity = info.Child("query", Namespaces.DiscoInfo)!.Child("identity", Namespaces.DiscoInfo)!;
        Assert.Equal("account", identity.GetAttribute("category"));
    }

    /// <summary>The answer with the addressee's JID and the id taken out: what may not differ.</summary>
    private static string Shape(Element answer, string addressee) =>
        answer.ToString().Replace(addressee, "ADDRESSEE", StringComparison.Ordinal).Replace($"id='{answer.GetAttribute("id")}'", "", StringComparison.Ordinal);
}
