using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Federation;
using Parley.Server.Hosting;
using Parley.Server.Tests.Storage;

namespace Parley.Server.Tests.Federation;

/// <summary>XEP-0185 dialback keys: the published vector, and keys that outlive a restart.</summary>
public sealed class DialbackKeyTests
{
    [Fact]
    [Trait("Conformance", "XEP-0185 §3")]
    public void The_key_matches_the_published_example()
    {
        var key = DialbackKey.Generate(Encoding.ASCII.GetBytes("s3cr3tf0rd14lb4ck"), "xmpp.example.com", "example.org", "D60000229F");

        Assert.Equal("37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643", key);
    }

    [Fact]
    [Trait("Conformance", "XEP-0185 §2")]
    public void Every_input_changes_the_key_and_only_the_exact_key_matches()
    {
        var secret = Encoding.ASCII.GetBytes("secret");
        var key = DialbackKey.Generate(secret, "b.example", "a.example", "id1");

        Assert.NotEqual(key, DialbackKey.Generate(secret, "a.example", "b.example", "id1"));
        Assert.NotEqual(key, DialbackKey.Generate(secret, "b.example", "a.example", "id2"));
        Assert.NotEqual(key, DialbackKey.Generate(Encoding.ASCII.GetBytes("other"), "b.example", "a.example", "id1"));
        Assert.True(DialbackKey.Matches(secret, "b.example", "a.example", "id1", key));
        Assert.False(DialbackKey.Matches(secret, "b.example", "a.example", "id1", key[..^1] + (key[^1] == '0' ? '1' : '0')));
        Assert.False(DialbackKey.Matches(secret, "b.example", "a.example", "id1", ""));
    }

    [Fact]
    [Trait("Conformance", "XEP-0185 §2")]
    public void The_secret_survives_a_restart_so_issued_keys_still_verify()
    {
        using var data = new TempDataDirectory();
        var options = Options.Create(new ParleyOptions { DataDirectory = data.Path });
        var before = new ServerSecret(options).Value;
        var key = DialbackKey.Generate(before, "b.example", "a.example", "stream");

        // A new instance is what a restarted server builds: it reads the persisted secret.
        var after = new ServerSecret(options).Value;

        Assert.Equal(before, after);
        Assert.True(DialbackKey.Matches(after, "b.example", "a.example", "stream", key));
        Assert.True(File.Exists(Path.Combine(data.Path, ServerSecret.FileName)));
    }
}
