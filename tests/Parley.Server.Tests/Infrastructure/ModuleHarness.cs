using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// The module framework without sockets: the real <see cref="ModuleDispatcher"/>, <see cref="StanzaRouter"/>,
/// <see cref="StanzaDelivery"/> and <see cref="LocalSessionDirectory"/> around the given modules, with
/// sessions whose transports record what they were sent and a remote router that records what left.
/// </summary>
internal sealed class ModuleHarness
{
    public const string Domain = "example.com";

    public ModuleHarness(params Func<ModuleHarness, IXmppModule>[] modules)
    {
        var options = Options.Create(new ParleyOptions { Domains = [Domain] });
        Modules = new ModuleDispatcher(() => [.. modules.Select(m => m(this))], Events);
        Delivery = new StanzaDelivery(Modules, Sessions, new HostedDomains(options), Remote);
        Router = new StanzaRouter(Modules, Delivery, Sessions, Accounts, NullLogger<StanzaRouter>.Instance);
        Modules.Build();
    }

    public EventBus Events { get; } = new();

    public LocalSessionDirectory Sessions { get; } = new();

    public InMemoryAccountStore Accounts { get; } = new();

    public RecordingRemote Remote { get; } = new();

    public ModuleDispatcher Modules { get; }

    public StanzaDelivery Delivery { get; }

    public StanzaRouter Router { get; }

    /// <summary>Binds a session for a full JID of the harness's domain; what it is sent is in its endpoint.</summary>
    public (ClientSession Session, RecordingTransport Transport) Bind(string fullJid)
    {
        var transport = new RecordingTransport(fullJid);
        var session = new ClientSession(Jid.Parse(fullJid), transport, Modules.OutboundFilters);
        if (Sessions.TryBind(session, maxResourcesPerAccount: 10).Status != BindStatus.Bound)
        {
            throw new InvalidOperationException($"{fullJid} did not bind.");
        }

        return (session, transport);
    }

    public static Element Message(string to, string body = "hi")
    {
        var message = new Element("message", Parley.Xmpp.Namespaces.Client).SetAttribute("to", to).SetAttribute("type", "chat");
        message.AddElement("body").AddText(body);
        return message;
    }

    internal sealed class RecordingTransport(string id) : ISessionEndpoint
    {
        public List<Element> Sent { get; } = [];

        public StreamErrorCondition? Terminated { get; private set; }

        public string ConnectionId => id;

        public System.Net.IPAddress? RemoteAddress => null;

        public bool TrySend(Element stanza)
        {
            lock (Sent)
            {
                Sent.Add(stanza);
            }

            return true;
        }

        public void Terminate(StreamErrorCondition condition, string? text = null) => Terminated ??= condition;
    }

    internal sealed class RecordingRemote : IRemoteRouter
    {
        public List<(Element Stanza, Jid From, Jid To)> Sent { get; } = [];

        public bool TrySend(Element stanza, Jid from, Jid to)
        {
            Sent.Add((stanza, from, to));
            return true;
        }
    }
}
