using System.Collections.Concurrent;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Sessions;

/// <summary>
/// The in-process directory. Reads (every routed stanza) are lock-free over copy-on-write arrays;
/// binds and unbinds (rare) take one short lock with no await inside.
/// </summary>
internal sealed class LocalSessionDirectory : ISessionDirectory
{
    private readonly ConcurrentDictionary<Jid, ClientSession[]> _accounts = new();
    private readonly Lock _gate = new();

    public BindOutcome TryBind(ClientSession session, int maxResourcesPerAccount)
    {
        lock (_gate)
        {
            var current = _accounts.GetValueOrDefault(session.Account) ?? [];
            var index = Array.FindIndex(current, s => s.Jid.Equals(session.Jid));
            if (index >= 0)
            {
                var replaced = current[index];
                var next = (ClientSession[])current.Clone();
                next[index] = session;
                _accounts[session.Account] = next;
                return new BindOutcome(BindStatus.Replaced, replaced);
            }

            if (current.Length >= maxResourcesPerAccount)
            {
                return new BindOutcome(BindStatus.TooManyResources);
            }

            _accounts[session.Account] = [.. current, session];
            return new BindOutcome(BindStatus.Bound);
        }
    }

    public bool Unbind(ClientSession session)
    {
        lock (_gate)
        {
            if (!_accounts.TryGetValue(session.Account, out var current) || Array.IndexOf(current, session) < 0)
            {
                return false;
            }

            if (current.Length == 1)
            {
                _accounts.TryRemove(session.Account, out _);
            }
            else
            {
                _accounts[session.Account] = Array.FindAll(current, s => !ReferenceEquals(s, session));
            }

            return true;
        }
    }

    public ClientSession? Find(Jid fullJid)
    {
        if (_accounts.TryGetValue(fullJid.Bare, out var sessions))
        {
            foreach (var s in sessions)
            {
                if (s.Jid.Equals(fullJid))
                {
                    return s;
                }
            }
        }

        return null;
    }

    public IReadOnlyList<ClientSession> Resources(Jid account) => _accounts.GetValueOrDefault(account) ?? [];
}
