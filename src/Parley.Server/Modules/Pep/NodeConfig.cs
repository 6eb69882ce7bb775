namespace Parley.Server.Modules.Pep;

/// <summary>
/// A PEP node's configuration (XEP-0060 §16.4.4, the fields this service supports). A record, so a
/// publish-options precondition (XEP-0060 §7.1.5) is met when applying the options changes nothing.
/// </summary>
/// <param name="MaxItems">How many items are kept; null is "max", the service's Pep:MaxItemsPerNode.</param>
/// <param name="RosterGroups">The roster groups allowed under <see cref="AccessModel.Roster"/>, sorted, one per line.</param>
internal sealed record NodeConfig(
    AccessModel Access,
    int? MaxItems,
    bool PersistItems,
    SendLastPublishedItem SendLast,
    bool NotifyRetract,
    string RosterGroups)
{
    /// <summary>XEP-0163 §5 / XEP-0060: presence access, one persistent item, the last one sent when a contact comes online.</summary>
    public static NodeConfig Default { get; } = new(AccessModel.Presence, 1, true, SendLastPublishedItem.OnSubAndPresence, true, "");

    public IEnumerable<string> RosterGroupList => RosterGroups.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
