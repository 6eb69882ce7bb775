using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Archive;

/// <summary>
/// An account's XEP-0313 §6 preferences: a default policy and the JIDs always or never archived,
/// each matched against the contact's full and bare JID (a bare entry covers every resource).
/// </summary>
internal sealed record ArchivePreferences(ArchivePolicy Default, IReadOnlySet<Jid> Always, IReadOnlySet<Jid> Never)
{
    public static ArchivePreferences Of(ArchivePolicy policy) => new(policy, new HashSet<Jid>(), new HashSet<Jid>());

    /// <summary>The protocol and configuration spelling: "always", "never", "roster".</summary>
    public static bool TryParsePolicy(string? text, out ArchivePolicy policy)
    {
        switch (text)
        {
            case "always":
                policy = ArchivePolicy.Always;
                return true;
            case "never":
                policy = ArchivePolicy.Never;
                return true;
            case "roster":
                policy = ArchivePolicy.Roster;
                return true;
            default:
                policy = default;
                return false;
        }
    }

    public static string Name(ArchivePolicy policy) => policy switch
    {
        ArchivePolicy.Never => "never",
        ArchivePolicy.Roster => "roster",
        _ => "always",
    };

    /// <summary>
    /// The decision for one contact: an explicit "never" wins over "always" (XEP-0313 §6 leaves a JID
    /// in both lists to the server; not archiving is the safer reading), then the lists, then the default.
    /// Null when it depends on the roster.
    /// </summary>
    public bool? Decide(Jid contact)
    {
        if (Listed(Never, contact))
        {
            return false;
        }

        if (Listed(Always, contact))
        {
            return true;
        }

        return Default switch
        {
            ArchivePolicy.Always => true,
            ArchivePolicy.Never => false,
            _ => null,
        };
    }

    private static bool Listed(IReadOnlySet<Jid> jids, Jid contact) =>
        jids.Count != 0 && (jids.Contains(contact) || jids.Contains(contact.Bare));
}
