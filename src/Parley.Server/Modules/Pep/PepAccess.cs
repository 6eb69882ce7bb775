using Parley.Server.Modules.Roster;
using Parley.Xmpp.Stanzas;

namespace Parley.Server.Modules.Pep;

/// <summary>
/// XEP-0060 §4.5 access models as the owner's roster decides them: who may retrieve a node's items
/// and be notified of them. The owner always may.
/// </summary>
internal static class PepAccess
{
    /// <summary>Whether a contact (not the owner) with this roster item (null: not in the roster) may see the node.</summary>
    public static bool Allows(NodeConfig config, RosterItem? contact) => config.Access switch
    {
        AccessModel.Open => true,
        AccessModel.Presence => contact is { State.HasFrom: true },
        AccessModel.Roster => contact is not null && contact.Groups.Any(g => config.RosterGroupList.Contains(g, StringComparer.Ordinal)),
        _ => false,
    };

    /// <summary>XEP-0060 §6.5.9 (and §6.1.3 for the conditions): the error a refused contact gets.</summary>
    public static StanzaError Refusal(NodeConfig config) => config.Access switch
    {
        AccessModel.Presence => PubSubErrors.Of(StanzaErrorCondition.NotAuthorized, "presence-subscription-required"),
        AccessModel.Roster => PubSubErrors.Of(StanzaErrorCondition.NotAuthorized, "not-in-roster-group"),
        _ => PubSubErrors.Of(StanzaErrorCondition.NotAllowed, "closed-node"),
    };
}
