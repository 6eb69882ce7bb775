using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Caps;

/// <summary>
/// An entity's capabilities as announced in presence (XEP-0115 §4): the hash function, the software
/// node and the verification string. Two entities with the same hash and ver have the same features,
/// so the features are looked up once per (hash, ver) (<see cref="CapsCache"/>).
/// </summary>
internal sealed record EntityCaps(string Hash, string Node, string Ver)
{
    /// <summary>The cache key: the hash function and the verification string.</summary>
    public string Key => Hash + " " + Ver;

    /// <summary>The &lt;c/&gt; of a presence stanza, or null without one (or in the legacy format, XEP-0115 §1.2, which has no hash).</summary>
    public static EntityCaps? From(Element presence)
    {
        var c = presence.Child("c", CapsNamespaces.Caps);
        return c?.GetAttribute("hash") is { Length: > 0 } hash && c.GetAttribute("node") is { Length: > 0 } node && c.GetAttribute("ver") is { Length: > 0 } ver
            ? new EntityCaps(hash, node, ver)
            : null;
    }
}
