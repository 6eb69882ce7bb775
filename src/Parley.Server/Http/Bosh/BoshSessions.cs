using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Http.Bosh;

/// <summary>The live BOSH sessions by 'sid', at most Http:Bosh:MaxSessions of them.</summary>
internal sealed class BoshSessions(IOptions<ParleyOptions> options)
{
    private readonly ConcurrentDictionary<string, BoshSession> _sessions = new(StringComparer.Ordinal);
    private readonly int _max = options.Value.Http.Bosh.MaxSessions;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>XEP-0124 §7.1: an opaque, unpredictable SID (128 random bits), unique among the sessions.</summary>
    public static string NewSid() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Takes a place for a new session; false when Http:Bosh:MaxSessions are live.</summary>
    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _count) > _max)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        return true;
    }

    public void Add(BoshSession session) => _sessions[session.Sid] = session;

    public BoshSession? Find(string sid) => _sessions.GetValueOrDefault(sid);

    public void Remove(BoshSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, BoshSession>(session.Sid, session)))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
