namespace Parley.Server.Modules;

/// <summary>Which stanza kinds a sender-side handler sees (<see cref="ModuleMap.Outgoing"/>).</summary>
[Flags]
internal enum StanzaKinds
{
    None = 0,
    Message = 1,
    Presence = 2,
    Iq = 4,
    All = Message | Presence | Iq,
}
