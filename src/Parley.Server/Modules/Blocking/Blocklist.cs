using System.Collections.Frozen;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Blocking;

/// <summary>
/// One account's blocked JIDs, immutable, with the XEP-0191 §6 matching rules (those of XEP-0016):
/// user@domain/resource matches only itself; user@domain any of its resources; domain/resource
/// only itself; domain the domain, every address at it and every address at its subdomains.
/// </summary>
internal sealed class Blocklist
{
    private readonly FrozenSet<Jid> _jids;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _domains;

    public Blocklist(IEnumerable<Jid> items)
    {
        _jids = items.ToFrozenSet();
        Items = [.. _jids.OrderBy(j => j.ToString(), StringComparer.Ordinal)];
        _domains = _jids.Where(j => j.Local is null && j.Resource is null).Select(j => j.Domain)
            .ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static Blocklist Empty { get; } = new([]);

    /// <summary>The blocked JIDs in a stable (ordinal) order.</summary>
    public IReadOnlyList<Jid> Items { get; }

    public int Count => Items.Count;

    public bool Contains(Jid item) => _jids.Contains(item);

    /// <summary>Whether stanzas from or to <paramref name="jid"/> are blocked.</summary>
    public bool Matches(Jid jid)
    {
        if (Items.Count == 0)
        {
            return false;
        }

        if (_jids.Contains(jid) || _jids.Contains(jid.Bare))
        {
            return true;
        }

        // The domain and each parent domain, compared as spans so a check allocates nothing.
        var domain = jid.Domain.AsSpan();
        while (true)
        {
            if (_domains.Contains(domain))
            {
                return true;
            }

            var dot = domain.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }

            domain = domain[(dot + 1)..];
        }
    }

    public Blocklist With(IEnumerable<Jid> items) => new(_jids.Concat(items));

    public Blocklist Without(IEnumerable<Jid> items) => new(_jids.Except(items));
}
