using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Parley.Server.Hosting;

/// <summary>
/// A random key private to this server that outlives restarts, kept in
/// &lt;DataDirectory&gt;/server-secret (mode 0600). SCRAM derives unknown users' fake salts from
/// it (RFC 5802 §9), so the salt a prober sees for a name stays the same across restarts and
/// never tells which accounts exist; server dialback keys (XEP-0185) will derive from it too.
/// </summary>
internal sealed class ServerSecret(IOptions<ParleyOptions> options)
{
    public const string FileName = "server-secret";

    private const int Length = 32;

    private readonly Lazy<byte[]> _value = new(() => LoadOrCreate(Path.Combine(options.Value.DataDirectory, FileName)));

    public byte[] Value => _value.Value;

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length == Length)
            {
                return existing;
            }
        }

        var secret = RandomNumberGenerator.GetBytes(Length);
        using (var file = OwnerOnlyFiles.Create(path, overwrite: true))
        {
            file.Write(secret);
        }

        return secret;
    }
}
