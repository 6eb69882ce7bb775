using Parley.Server.Modules.Blocking;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Tests.Blocking;

/// <summary>The XEP-0191 §6 matching rules, without sockets.</summary>
public sealed class BlocklistTests
{
    [Theory]
    [Trait("Conformance", "XEP-0191 §6")]
    [InlineData("romeo@montague.lit/garden", "romeo@montague.lit/garden", true)]
    [InlineData("romeo@montague.lit/garden", "romeo@montague.lit/orchard", false)]
    [InlineData("romeo@montague.lit/garden", "romeo@montague.lit", false)]
    [InlineData("romeo@montague.lit", "romeo@montague.lit/orchard", true)]
    [InlineData("romeo@montague.lit", "ROMEO@Montague.lit", true)]
    [InlineData("romeo@montague.lit", "benvolio@montague.lit", false)]
    [InlineData("montague.lit/gate", "montague.lit/gate", true)]
    [InlineData("montague.lit/gate", "romeo@montague.lit/gate", false)]
    [InlineData("montague.lit", "montague.lit", true)]
    [InlineData("montague.lit", "romeo@montague.lit/garden", true)]
    [InlineData("montague.lit", "montague.lit/gate", true)]
    [InlineData("montague.lit", "chat.montague.lit", true)]
    [InlineData("montague.lit", "nurse@rooms.chat.montague.lit", true)]
    [InlineData("montague.lit", "notmontague.lit", false)]
    [InlineData("montague.lit", "capulet.lit", false)]
    public void Items_match_per_xep_0191(string item, string jid, bool blocked) =>
        Assert.Equal(blocked, new Blocklist([Jid.Parse(item)]).Matches(Jid.Parse(jid)));

    [Fact]
    public void With_and_without_keep_one_sorted_copy_of_each_jid()
    {
        var list = Blocklist.Empty.With([Jid.Parse("b@x"), Jid.Parse("a@x"), Jid.Parse("B@X")]);
        Assert.Equal(["a@x", "b@x"], list.Items.Select(j => j.ToString()));
        Assert.Equal(["b@x"], list.Without([Jid.Parse("a@x")]).Items.Select(j => j.ToString()));
        Assert.False(Blocklist.Empty.Matches(Jid.Parse("a@x")));
    }
}
