using System.Reflection;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Version;

/// <summary>XEP-0092 software version of the server. Registered only when AdvertiseVersion is true.</summary>
internal sealed class VersionModule : IXmppModule
{
    private static readonly string ServerVersion = Resolve();

    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.Version);
        map.Iq("get", "query", Namespaces.Version, Addressed.Server, static _ =>
        {
            // XEP-0092 §2: <os/> is optional and is left out so as not to help attackers fingerprint the host.
            var query = new Element("query", Namespaces.Version);
            query.AddElement("name").AddText("Parley");
            query.AddElement("version").AddText(ServerVersion);
            return ValueTask.FromResult(IqReply.Result(query));
        });
    }

    private static string Resolve()
    {
        var assembly = typeof(VersionModule).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // The SDK appends "+<commit>" to the informational version; the public version is the part before it.
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
