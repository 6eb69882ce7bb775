using System.Globalization;
using Parley.Xmpp;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Time;

/// <summary>
/// XEP-0202 entity time of the server: its clock in UTC (the server runs in UTC, so the offset is
/// always +00:00). Clients such as profanity and mcabber ask at login.
/// </summary>
internal sealed class EntityTimeModule(TimeProvider time) : IXmppModule
{
    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.Time);
        map.Iq("get", "time", Namespaces.Time, Addressed.Server, _ =>
        {
            // XEP-0202 §3: <tzo/> as XEP-0082 TZD, <utc/> as XEP-0082 DateTime in UTC.
            var reply = new Element("time", Namespaces.Time);
            reply.AddElement("tzo").AddText("+00:00");
            reply.AddElement("utc").AddText(time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            return ValueTask.FromResult(IqReply.Result(reply));
        });
    }
}
