using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Upload;

/// <summary>
/// The files and slots of HTTP File Upload: each file is &lt;DataDirectory&gt;/uploads/&lt;id&gt; with
/// &lt;id&gt;.meta beside it, the id being 128 random bits in hex. Paths are only ever built from an id
/// that matched <see cref="IsId"/>, never from a name a client gave, so nothing outside the folder
/// can be named. Quotas count stored bytes plus the slots given and not yet used; slots live in
/// memory (a restart forgets them: their PUT answers 403, and the client asks again).
/// </summary>
internal sealed partial class UploadStore
{
    private const string MetaSuffix = ".meta";
    private const string PartSuffix = ".part";

    private readonly UploadOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, UploadSlot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _usage = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _loaded;

    public UploadStore(IOptions<ParleyOptions> server, IOptions<UploadOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        Folder = Path.Combine(server.Value.DataDirectory, "uploads");
    }

    public string Folder { get; }

    public UploadOptions Options => _options;

    /// <summary>An id this store could have made: 32 lowercase hex digits, nothing else.</summary>
    public static bool IsId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Gives a slot, reserving its size against the owner's quota.</summary>
    public UploadSlot? TryCreateSlot(Jid owner, string fileName, long size, string contentType, out SlotRefusal refusal)
    {
        EnsureLoaded();
        var account = owner.Bare.ToString();
        lock (_gate)
        {
            var used = _usage.GetValueOrDefault(account);
            if (used + size > _options.QuotaBytesPerUser)
            {
                refusal = SlotRefusal.Quota;
                return null;
            }

            if (_slots.Values.Count(s => s.Owner.Bare.ToString() == account) >= _options.MaxPendingSlotsPerUser)
            {
                refusal = SlotRefusal.TooManySlots;
                return null;
            }

            var slot = new UploadSlot(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), owner.Bare, fileName, size, contentType,
                _time.GetUtcNow().AddSeconds(_options.SlotSeconds));
            _slots[slot.Id] = slot;
            _usage[account] = used + size;
            refusal = SlotRefusal.None;
            return slot;
        }
    }

    /// <summary>The slot <paramref name="id"/> while it may still be used; it is not taken.</summary>
    public UploadSlot? FindSlot(string id) =>
        _slots.TryGetValue(id, out var slot) && slot.Expires > _time.GetUtcNow() ? slot : null;

    /// <summary>Takes the slot for its one PUT: true once, and only before it expires.</summary>
    public bool TryTake(UploadSlot slot) => slot.Expires > _time.GetUtcNow() && _slots.TryRemove(new KeyValuePair<string, UploadSlot>(slot.Id, slot));

    /// <summary>
    /// Stores the PUT body of a taken slot: exactly <see cref="UploadSlot.Size"/> bytes, written to a
    /// .part file and moved into place only when complete. False (and nothing kept) when the body was
    /// shorter or longer.
    /// </summary>
    public async Task<bool> StoreAsync(UploadSlot slot, Stream body, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var part = Path.Combine(Folder, slot.Id + PartSuffix);
        var complete = false;
        try
        {
            long written = 0;
            await using (var file = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    written += read;
                    if (written > slot.Size)
                    {
                        return false;
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            if (written != slot.Size)
            {
                return false;
            }

            var meta = new StoredUpload(slot.Owner.ToString(), slot.FileName, slot.Size, slot.ContentType, _time.GetUtcNow());
            await File.WriteAllTextAsync(Path.Combine(Folder, slot.Id + MetaSuffix), JsonSerializer.Serialize(meta), cancellationToken).ConfigureAwait(false);
            File.Move(part, DataPath(slot.Id));
            complete = true;
            return true;
        }
        finally
        {
            if (!complete)
            {
                File.Delete(part);
                File.Delete(Path.Combine(Folder, slot.Id + MetaSuffix));
                Release(slot.Owner.ToString(), slot.Size);
            }
        }
    }

    /// <summary>A stored file that has not expired, or null.</summary>
    public StoredUpload? Find(string id)
    {
        if (!IsId(id))
        {
            return null;
        }

        var meta = ReadMeta(Path.Combine(Folder, id + MetaSuffix));
        return meta is not null && File.Exists(DataPath(id)) && !IsExpired(meta) ? meta : null;
    }

    public string DataPath(string id) => IsId(id) ? Path.Combine(Folder, id) : throw new ArgumentException("Not an upload id.", nameof(id));

    /// <summary>Deletes files past Modules:Upload:RetentionDays and forgets expired slots, giving their bytes back to the quotas.</summary>
    public int Sweep()
    {
        EnsureLoaded();
        var now = _time.GetUtcNow();
        foreach (var slot in _slots.Values.Where(s => s.Expires <= now))
        {
            if (_slots.TryRemove(new KeyValuePair<string, UploadSlot>(slot.Id, slot)))
            {
                Release(slot.Owner.ToString(), slot.Size);
            }
        }

        var deleted = 0;
        foreach (var (id, meta) in StoredFiles())
        {
            if (IsExpired(meta))
            {
                File.Delete(DataPath(id));
                File.Delete(Path.Combine(Folder, id + MetaSuffix));
                Release(meta.Owner, meta.Size);
                deleted++;
            }
        }

        return deleted;
    }

    private bool IsExpired(StoredUpload meta) => meta.Uploaded.AddDays(_options.RetentionDays) <= _time.GetUtcNow();

    /// <summary>The quotas start from what is on disk (once, on first use).</summary>
    private void EnsureLoaded()
    {
        lock (_gate)
        {
            if (_loaded)
            {
                return;
            }

            foreach (var (_, meta) in StoredFiles())
            {
                _usage[meta.Owner] = _usage.GetValueOrDefault(meta.Owner) + meta.Size;
            }

            _loaded = true;
        }
    }

    private IEnumerable<(string Id, StoredUpload Meta)> StoredFiles()
    {
        if (!Directory.Exists(Folder))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(Folder, "*" + MetaSuffix))
        {
            var id = Path.GetFileName(path)[..^MetaSuffix.Length];
            if (IsId(id) && ReadMeta(path) is { } meta)
            {
                yield return (id, meta);
            }
        }
    }

    private static StoredUpload? ReadMeta(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<StoredUpload>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Release(string owner, long size)
    {
        lock (_gate)
        {
            if (_usage.TryGetValue(owner, out var used))
            {
                _usage[owner] = Math.Max(0, used - size);
            }
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex IdPattern();
}
