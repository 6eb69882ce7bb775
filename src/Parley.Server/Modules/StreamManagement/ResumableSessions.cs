using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.StreamManagement;

/// <summary>
/// The sessions with stream management enabled, by id: where &lt;resume previd/&gt; finds its session
/// (only one of the same account, still bound, and resumable), and what a once-a-second sweep walks
/// to ask for acknowledgements that have waited Modules:Sm:RequestAfterSeconds (XEP-0198 §4) and to forget
/// sessions that ended without a <c>SessionClosed</c> (replaced by a new bind), handing their
/// unacknowledged messages on.
/// </summary>
internal sealed class ResumableSessions(ISessionDirectory sessions, UnackedRedelivery redelivery, IOptions<StreamManagementOptions> options, TimeProvider time)
    : IDisposable
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, ClientSession> _byId = new(StringComparer.Ordinal);
    private readonly TimeSpan _requestAfter = TimeSpan.FromSeconds(options.Value.RequestAfterSeconds);
    private readonly Lock _gate = new();
    private ITimer? _sweep;

    /// <summary>XEP-0198 §5: an id nobody can guess (128 random bits); it only means something with the account's credentials.</summary>
    public static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=');

    public int Count => _byId.Count;

    public void Add(string id, ClientSession session)
    {
        _byId[id] = session;
        if (_sweep is null)
        {
            lock (_gate)
            {
                _sweep ??= time.CreateTimer(_ => Sweep(), null, SweepPeriod, SweepPeriod);
            }
        }
    }

    public void Remove(ClientSession session)
    {
        if (session.Features.Get<StreamManagementState>() is { } state)
        {
            _byId.TryRemove(new KeyValuePair<string, ClientSession>(state.Id, session));
        }
    }

    /// <summary>
    /// The resumable session with this id, if it belongs to <paramref name="account"/> and is still
    /// bound: another account's id is answered exactly like an unknown one.
    /// </summary>
    public bool TryFind(string id, Jid account, out ClientSession session, out StreamManagementState state)
    {
        if (_byId.TryGetValue(id, out session!)
            && session.Account.Equals(account.Bare)
            && ReferenceEquals(sessions.Find(session.Jid), session)
            && session.Features.Get<StreamManagementState>() is { ResumptionSeconds: > 0 } found)
        {
            state = found;
            return true;
        }

        state = null!;
        return false;
    }

    private void Sweep()
    {
        foreach (var (id, session) in _byId)
        {
            if (ReferenceEquals(sessions.Find(session.Jid), session))
            {
                session.RequestAcknowledgementIfDue(_requestAfter);
            }
            else if (_byId.TryRemove(new KeyValuePair<string, ClientSession>(id, session)))
            {
                // Replaced (RFC 6120 §7.7.2.2) while kept or before SessionClosed: its messages are owed elsewhere.
                _ = redelivery.RedeliverAsync(session, closedByClient: false).AsTask();
            }
        }
    }

    public void Dispose() => _sweep?.Dispose();
}
