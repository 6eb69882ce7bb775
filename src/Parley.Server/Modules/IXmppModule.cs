namespace Parley.Server.Modules;

/// <summary>A server feature. Declares, once at startup, everything it handles.</summary>
internal interface IXmppModule
{
    void Map(ModuleMap map);
}
