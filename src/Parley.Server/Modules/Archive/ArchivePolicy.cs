namespace Parley.Server.Modules.Archive;

/// <summary>XEP-0313 §6 default archiving policy of an account: which conversations are archived.</summary>
internal enum ArchivePolicy
{
    /// <summary>Every conversation.</summary>
    Always,

    /// <summary>None, except with JIDs the account lists under "always".</summary>
    Never,

    /// <summary>Only conversations with contacts in the account's roster.</summary>
    Roster,
}
