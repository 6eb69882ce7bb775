using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Diagnostics;
using Parley.Server.Hosting;
using Parley.Server.Routing;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Caps;

/// <summary>
/// The features behind each verified (hash, ver) (XEP-0115 §6.2): an unknown ver is asked of the
/// entity that announced it once, however many entities announce it at once, and kept only when the
/// answer hashes to that ver (§5.4), so one entity cannot poison what others announce. Lookups are
/// in memory: filtering notifications by +notify reads no database. At most Pep:MaxCachedCaps
/// entries are kept.
/// </summary>
internal sealed class CapsCache(StanzaDelivery delivery, IOptions<ParleyOptions> options, ILogger<CapsCache> logger)
{
    private readonly ConcurrentDictionary<string, FrozenSet<string>> _features = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<FrozenSet<string>?>> _asking = new(StringComparer.Ordinal);

    /// <summary>The features of known caps, without asking anyone.</summary>
    public bool TryGet(EntityCaps caps, out FrozenSet<string> features) => _features.TryGetValue(caps.Key, out features!);

    /// <summary>
    /// The features of the caps an entity announced: cached, or asked of the entity (XEP-0115 §6.3) by
    /// the server of <paramref name="domain"/> (the hosted domain that received the caps); null when
    /// they cannot be verified.
    /// </summary>
    public Task<FrozenSet<string>?> ResolveAsync(EntityCaps caps, Jid entity, string domain)
    {
        if (_features.TryGetValue(caps.Key, out var known))
        {
            return Task.FromResult<FrozenSet<string>?>(known);
        }

        return _asking.GetOrAdd(caps.Key, _ => AskAsync(caps, entity, domain));
    }

    private async Task<FrozenSet<string>?> AskAsync(EntityCaps caps, Jid entity, string domain)
    {
        try
        {
            // Let the caller's GetOrAdd store this task before it can finish and remove itself.
            await Task.Yield();
            var query = new Element("iq", Namespaces.Client).SetAttribute("type", "get");
            query.AddElement("query", Namespaces.DiscoInfo).SetAttribute("node", caps.Node + "#" + caps.Ver);
            var answer = await delivery.AskAsync(Jid.Create(null, domain), query, entity,
                TimeSpan.FromSeconds(options.Value.Pep.CapsQueryTimeoutSeconds), CancellationToken.None).ConfigureAwait(false);
            if (answer?.GetAttribute("type") != "result" || answer.Child("query", Namespaces.DiscoInfo) is not { } info)
            {
                return null;
            }

            if (CapsVerification.Compute(caps.Hash, info) != caps.Ver)
            {
                PepLog.CapsUnverified(logger, caps.Ver, entity.ToString());
                return null;
            }

            var features = info.Children("feature", Namespaces.DiscoInfo).Select(f => f.GetAttribute("var") ?? "").ToFrozenSet(StringComparer.Ordinal);
            if (_features.Count >= options.Value.Pep.MaxCachedCaps)
            {
                // Bounded: one entry makes room (an evicted ver is asked again when next announced).
                foreach (var key in _features.Keys)
                {
                    _features.TryRemove(key, out _);
                    break;
                }
            }

            _features[caps.Key] = features;
            return features;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PepLog.CapsQueryFailed(logger, caps.Ver, entity.ToString(), e);
            return null;
        }
        finally
        {
            _asking.TryRemove(caps.Key, out _);
        }
    }
}
