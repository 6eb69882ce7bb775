using Parley.Xmpp.Sasl;

namespace Parley.Xmpp.Tests.Sasl;

public sealed class ScramSaltedPasswordCacheTests
{
    [Fact]
    public void Derives_once_per_salt_and_iteration_count()
    {
        var cache = new ScramSaltedPasswordCache(capacity: 2);
        byte[] salt = [1, 2, 3, 4];

        var first = cache.GetOrDerive(ScramHash.Sha256, "pencil", salt, 4096);

        Assert.Equal(ScramCrypto.SaltedPassword(ScramHash.Sha256, "pencil", salt, 4096), first);
        Assert.Same(first, cache.GetOrDerive(ScramHash.Sha256, "pencil", [1, 2, 3, 4], 4096));
        // A new salt or count (a changed password) is a new entry, not the cached one.
        Assert.NotEqual(first, cache.GetOrDerive(ScramHash.Sha256, "pencil", salt, 4097));
        Assert.Equal(2, cache.Count);
        // Past capacity values are still right, only not kept.
        Assert.Equal(ScramCrypto.SaltedPassword(ScramHash.Sha1, "pencil", salt, 4096), cache.GetOrDerive(ScramHash.Sha1, "pencil", salt, 4096));
        Assert.Equal(2, cache.Count);
    }
}
