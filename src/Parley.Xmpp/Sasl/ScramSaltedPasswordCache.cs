using System.Collections.Concurrent;

namespace Parley.Xmpp.Sasl;

/// <summary>
/// Keeps SCRAM's SaltedPassword = Hi(password, salt, i) (RFC 5802 §3) between logins, as clients
/// that store the salted password instead of the password do (RFC 5802 §5.1 lets a client cache
/// it per salt and iteration count). The server sends the same salt and count for an account until
/// its password changes, so the client's PBKDF2 runs once per account, not once per login.
/// Bounded: past <see cref="Capacity"/> entries, values are derived without being kept.
/// </summary>
public sealed class ScramSaltedPasswordCache(int capacity = 100_000)
{
    private readonly ConcurrentDictionary<(ScramHash Hash, string Password, string Salt, int Iterations), byte[]> _entries = new();

    /// <summary>The most entries kept.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>How many entries are kept now.</summary>
    public int Count => _entries.Count;

    /// <summary>The salted password for a prepared password, derived on first use of this salt and count.</summary>
    public byte[] GetOrDerive(ScramHash hash, string preparedPassword, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(salt);
        var key = (hash, preparedPassword, Convert.ToBase64String(salt), iterations);
        if (_entries.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var derived = ScramCrypto.SaltedPassword(hash, preparedPassword, salt, iterations);
        if (_entries.Count < Capacity)
        {
            _entries.TryAdd(key, derived);
        }

        return derived;
    }
}
