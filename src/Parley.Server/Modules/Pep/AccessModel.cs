namespace Parley.Server.Modules.Pep;

/// <summary>Who may read a node's items and hear of them (XEP-0060 §4.5; XEP-0163 §5 defaults to presence).</summary>
internal enum AccessModel
{
    /// <summary>Contacts subscribed to the owner's presence ("from" or "both").</summary>
    Presence,

    /// <summary>Anyone.</summary>
    Open,

    /// <summary>Contacts in one of the node's allowed roster groups.</summary>
    Roster,

    /// <summary>The owner alone (the whitelist holds the owner; XEP-0223 private data).</summary>
    Whitelist,
}
