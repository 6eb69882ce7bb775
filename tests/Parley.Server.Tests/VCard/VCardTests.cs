using System.Text;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.VCard;

/// <summary>XEP-0054 vcard-temp over real sockets.</summary>
public sealed class VCardTests
{
    private static Element Card(Element iq)
    {
        Assert.Equal("result", iq.GetAttribute("type"));
        return iq.Child("vCard", Namespaces.VCard)!;
    }

    [Fact]
    [Trait("Conformance", "XEP-0054 §3.1 §3.2 §3.3")]
    public async Task A_vcard_is_set_by_its_owner_and_read_by_anyone()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            // None yet: one's own comes back empty.
            Assert.Empty(Card(await juliet.AskAsync("<iq type='get' id='g0'><vCard xmlns='vcard-temp'/></iq>")).Children());

            var set = await juliet.AskAsync("<iq type='set' id='s1'><vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN><N><FAMILY>Capulet</FAMILY><GIVEN>Juliet</GIVEN><MIDDLE/></N><NICKNAME>jc</NICKNAME></vCard></iq>");
            Assert.Equal("result", set.GetAttribute("type"));
            Assert.Empty(set.Children());

            var own = Card(await juliet.AskAsync("<iq type='get' id='g1'><vCard xmlns='vcard-temp'/></iq>"));
            Assert.Equal("Juliet Capulet", own.ChildText("FN", Namespaces.VCard));
            Assert.Equal("Juliet", own.Child("N", Namespaces.VCard)!.ChildText("GIVEN", Namespaces.VCard));
            Assert.NotNull(own.Child("N", Namespaces.VCard)!.Child("MIDDLE", Namespaces.VCard));

            // XEP-0054 §3.3: another user asks the bare JID; the server answers for her.
            var reply = await romeo.AskAsync("<iq type='get' id='g2' to='juliet@localhost'><vCard xmlns='vcard-temp'/></iq>");
            Assert.Equal("juliet@localhost", reply.GetAttribute("from"));
            Assert.Equal("jc", Card(reply).ChildText("NICKNAME", Namespaces.VCard));
            await juliet.ExpectNothingPendingAsync();

            // Sent again to her own bare JID, the whole card is replaced.
            await juliet.AskAsync("<iq type='set' id='s2' to='juliet@localhost'><vCard xmlns='vcard-temp'><FN>J</FN></vCard></iq>");
            var replaced = Card(await romeo.AskAsync("<iq type='get' id='g3' to='juliet@localhost'><vCard xmlns='vcard-temp'/></iq>"));
            Assert.Equal("J", replaced.ChildText("FN", Namespaces.VCard));
            Assert.Null(replaced.Child("NICKNAME", Namespaces.VCard));
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0054 §3.2 §3.3")]
    public async Task Missing_and_foreign_vcards_are_refused()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            // Another user without a card and a user that does not exist get the same answer.
            Assert.Equal("service-unavailable", Exchange.Condition(await romeo.AskAsync("<iq type='get' id='g1' to='juliet@localhost'><vCard xmlns='vcard-temp'/></iq>")));
            Assert.Equal("service-unavailable", Exchange.Condition(await romeo.AskAsync("<iq type='get' id='g2' to='nobody@localhost'><vCard xmlns='vcard-temp'/></iq>")));

            Assert.Equal("forbidden", Exchange.Condition(await romeo.AskAsync("<iq type='set' id='s1' to='juliet@localhost'><vCard xmlns='vcard-temp'><FN>Romeo was here</FN></vCard></iq>")));
            Assert.Empty(Card(await juliet.AskAsync("<iq type='get' id='g3'><vCard xmlns='vcard-temp'/></iq>")).Children());
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0054 §3.2")]
    public async Task An_empty_vcard_is_stored_and_returned_as_set()
    {
        var (server, juliet, romeo) = await TwoUsers.StartAsync();
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            await juliet.AskAsync("<iq type='set' id='s1'><vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard></iq>");
            Assert.Equal("result", (await juliet.AskAsync("<iq type='set' id='s2'><vCard xmlns='vcard-temp'/></iq>")).GetAttribute("type"));

            // Acknowledged, so it is the card: others read it (empty) instead of service-unavailable.
            var reply = await romeo.AskAsync("<iq type='get' id='g' to='juliet@localhost'><vCard xmlns='vcard-temp'/></iq>");
            Assert.Equal("result", reply.GetAttribute("type"));
            Assert.Empty(Card(reply).Children());
        }
    }

    [Fact]
    [Trait("Conformance", "XEP-0054 §3.2")]
    public async Task A_vcard_is_limited_to_max_vcard_bytes()
    {
        const int Limit = 200;
        const string Open = "<vCard xmlns='vcard-temp'><FN>";
        const string Close = "</FN></vCard>";
        var atLimit = Open + new string('x', Limit - Encoding.UTF8.GetByteCount(Open + Close)) + Close;
        var overLimit = Open + new string('x', Limit + 1 - Encoding.UTF8.GetByteCount(Open + Close)) + Close;
        var (server, juliet, romeo) = await TwoUsers.StartAsync(("Limits:MaxVCardBytes", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await using (server)
        await using (juliet)
        await using (romeo)
        {
            Assert.Equal("result", (await juliet.AskAsync($"<iq type='set' id='s1'>{atLimit}</iq>")).GetAttribute("type"));
            Assert.Equal("policy-violation", Exchange.Condition(await juliet.AskAsync($"<iq type='set' id='s2'>{overLimit}</iq>")));

            // The card at the limit is still the stored one.
            Assert.Equal(Limit - Encoding.UTF8.GetByteCount(Open + Close), Card(await juliet.AskAsync("<iq type='get' id='g'><vCard xmlns='vcard-temp'/></iq>")).ChildText("FN", Namespaces.VCard)!.Length);
        }
    }
}
