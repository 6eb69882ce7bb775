using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules.Caps;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// Per account, the available resources of other entities that sent it presence, and the caps each
/// announced (XEP-0163 §4.3: notifications go to the resources the account's server knows to be
/// online and interested). Kept in memory, for at most Pep:MaxContactResources resources per account:
/// the fan-out of a publish reads no database per contact.
/// </summary>
internal sealed class ContactResources(IOptions<ParleyOptions> options)
{
    private readonly ConcurrentDictionary<Jid, Dictionary<Jid, EntityCaps?>> _byAccount = new();

    /// <summary>
    /// Records available presence from <paramref name="resource"/> to <paramref name="account"/>;
    /// true when it is new or announced other caps (it may now want items it did not want before).
    /// </summary>
    public bool Available(Jid account, Jid resource, EntityCaps? caps)
    {
        var resources = _byAccount.GetOrAdd(account, _ => []);
        lock (resources)
        {
            if (resources.TryGetValue(resource, out var before))
            {
                resources[resource] = caps;
                return before != caps;
            }

            if (resources.Count >= options.Value.Pep.MaxContactResources)
            {
                return false;
            }

            resources[resource] = caps;
            return true;
        }
    }

    public void Unavailable(Jid account, Jid resource)
    {
        if (_byAccount.TryGetValue(account, out var resources))
        {
            lock (resources)
            {
                // The emptied table stays: removing it could race a concurrent Available that already holds it.
                resources.Remove(resource);
            }
        }
    }

    /// <summary>The resources known to be available to the account, with their caps.</summary>
    public List<KeyValuePair<Jid, EntityCaps?>> Of(Jid account)
    {
        if (!_byAccount.TryGetValue(account, out var resources))
        {
            return [];
        }

        lock (resources)
        {
            return [.. resources];
        }
    }
}
