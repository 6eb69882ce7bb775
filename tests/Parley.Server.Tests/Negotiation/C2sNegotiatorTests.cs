using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Server.Connections;
using Parley.Server.Hosting;
using Parley.Server.Modules;
using Parley.Server.Modules.Ping;
using Parley.Server.Negotiation;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Server.Tests.Infrastructure;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Negotiation;

/// <summary>The c2s state machine without sockets: elements in, elements and actions out.</summary>
public sealed class C2sNegotiatorTests : IDisposable
{
    // These tests never ping an account's bare JID, so the roster store behind AccountPrivacy is never asked.
    private static readonly AccountPrivacy NoAccountQueries = new(null!);

    private readonly string _data = Directory.CreateTempSubdirectory("parley-negotiation-").FullName;
    private readonly LocalSessionDirectory _sessions = new();
    private readonly InMemoryAccountStore _accounts = new();
    private readonly NegotiationServices _services;

    public C2sNegotiatorTests()
    {
        // No authentication delay here: the throttle has its own tests (Limits/AuthThrottleTests).
        var options = Options.Create(new ParleyOptions { Domains = ["localhost"], DataDirectory = _data, Limits = { AuthFailuresBeforeDelay = 100 } });
        _services = new NegotiationServices(
            options,
            new HostedDomains(options),
            _accounts,
            _sessions,
            new ModuleDispatcher([new PingModule(NoAccountQueries)]),
            new ServerSecret(options),
            new AuthThrottle(options, TimeProvider.System),
            NullLogger<C2sNegotiator>.Instance);
        _accounts.CreateAsync(Jid.Create("juliet", "localhost"), [ScramCredential.Derive(ScramHash.Sha256, "secret")]).GetAwaiter().GetResult();
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    /// <summary>A client's header as the connection hands it over: read and checked (<see cref="StreamHeader.Check"/>).</summary>
    private static StreamHeader Header(string to = "localhost", string? version = "1.0", string contentNamespace = Namespaces.Client)
    {
        var element = new Element("stream", Namespaces.Streams).SetAttribute("to", to);
        var header = StreamHeader.Read(version is null ? element : element.SetAttribute("version", version), contentNamespace);
        header.Check(Namespaces.Client, versionRequired: true);
        return header;
    }

    private static Element Sasl(string name, string? text = null, string? mechanism = null)
    {
        var e = new Element(name, Namespaces.Sasl).SetAttribute("mechanism", mechanism);
        return text is null ? e : e.AddText(text);
    }

    private static Element Plain(string user, string password) =>
        Sasl("auth", Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}")), "PLAIN");

    private static Element BindRequest(string? resource)
    {
        var iq = new Element("iq", Namespaces.Client).SetAttribute("type", "set").SetAttribute("id", "b");
        var bind = iq.AddElement("bind", Namespaces.Bind);
        if (resource is not null)
        {
            bind.AddElement("resource").AddText(resource);
        }

        return iq;
    }

    private (C2sNegotiator Negotiator, RecordingEndpoint Endpoint) Create(bool directTls = false)
    {
        var endpoint = new RecordingEndpoint();
        return (new C2sNegotiator(_services, endpoint, endpoint, directTls), endpoint);
    }

    private async Task<(C2sNegotiator, RecordingEndpoint)> AuthenticatedAsync()
    {
        var (negotiator, endpoint) = Create(directTls: true);
        negotiator.OnStreamOpened(Header());
        Assert.Equal(NegotiationAction.RestartStream, await negotiator.OnElementAsync(Plain("juliet", "secret"), default));
        negotiator.OnStreamOpened(Header());
        endpoint.Sent.Clear();
        return (negotiator, endpoint);
    }

    [Fact]
    public void Header_gets_a_response_header_and_starttls_required()
    {
        var (negotiator, endpoint) = Create();
        Assert.Equal(NegotiationAction.None, negotiator.OnStreamOpened(Header()));
        Assert.Contains(endpoint.HeaderAttributes!, a => a.Name == "from" && a.Value == "localhost");
        var features = Assert.Single(endpoint.Sent);
        Assert.NotNull(features.Child("starttls", Namespaces.Tls)!.Child("required", Namespaces.Tls));
    }

    [Fact]
    public async Task Starttls_queues_proceed_and_asks_for_the_upgrade_then_offers_sasl()
    {
        var (negotiator, endpoint) = Create();
        negotiator.OnStreamOpened(Header());
        Assert.Equal(NegotiationAction.StartTls, await negotiator.OnElementAsync(new Element("starttls", Namespaces.Tls), default));
        Assert.True(endpoint.Sent[^1].Is("proceed", Namespaces.Tls));
        negotiator.OnTlsEstablished(new TlsState(_ => null));
        negotiator.OnStreamOpened(Header());
        Assert.NotNull(endpoint.Sent[^1].Child("mechanisms", Namespaces.Sasl));
    }

    [Theory]
    [InlineData("example.org", "1.0", Namespaces.Client, StreamErrorCondition.HostUnknown)]
    [InlineData("localhost", null, Namespaces.Client, StreamErrorCondition.UnsupportedVersion)]
    [InlineData("localhost", "2.0", Namespaces.Client, StreamErrorCondition.UnsupportedVersion)]
    [InlineData("localhost", "1.0", Namespaces.Server, StreamErrorCondition.InvalidNamespace)]
    public void Bad_headers_raise_their_stream_error(string to, string? version, string ns, StreamErrorCondition condition)
    {
        var (negotiator, _) = Create();
        var error = Assert.Throws<StreamErrorException>(() => negotiator.OnStreamOpened(Header(to, version, ns)));
        Assert.Equal(condition, error.Condition);
    }

    [Fact]
    public async Task Stanza_before_authentication_is_not_authorized()
    {
        var (negotiator, _) = Create(directTls: true);
        negotiator.OnStreamOpened(Header());
        var error = await Assert.ThrowsAsync<StreamErrorException>(async () =>
            await negotiator.OnElementAsync(new Element("message", Namespaces.Client), default));
        Assert.Equal(StreamErrorCondition.NotAuthorized, error.Condition);
    }

    [Fact]
    public async Task Bind_registers_the_session_and_a_duplicate_replaces_it_with_conflict()
    {
        var (first, firstEndpoint) = await AuthenticatedAsync();
        Assert.Equal(NegotiationAction.Bound, await first.OnElementAsync(BindRequest("balcony"), default));
        Assert.Same(first.Session, _sessions.Find(Jid.Parse("juliet@localhost/balcony")));

        var (second, _) = await AuthenticatedAsync();
        Assert.Equal(NegotiationAction.Bound, await second.OnElementAsync(BindRequest("balcony"), default));
        Assert.Equal(StreamErrorCondition.Conflict, firstEndpoint.Terminated);
        Assert.Same(second.Session, _sessions.Find(Jid.Parse("juliet@localhost/balcony")));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.4.5")]
    public async Task Wrong_password_fails_and_the_fifth_failure_ends_the_stream_with_policy_violation()
    {
        var (negotiator, endpoint) = Create(directTls: true);
        negotiator.OnStreamOpened(Header());
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal(NegotiationAction.None, await negotiator.OnElementAsync(Plain("juliet", "wrong"), default));
            Assert.NotNull(endpoint.Sent[^1].Child("not-authorized", Namespaces.Sasl));
        }

        // RFC 6120 §6.4.5: past the retries, a stream error (SHOULD be policy-violation); the failure still goes first.
        var error = await Assert.ThrowsAsync<StreamErrorException>(() => negotiator.OnElementAsync(Plain("juliet", "wrong"), default).AsTask());
        Assert.Equal(StreamErrorCondition.PolicyViolation, error.Condition);
        Assert.NotNull(endpoint.Sent[^1].Child("not-authorized", Namespaces.Sasl));
    }

    [Fact]
    [Trait("Conformance", "RFC 6120 §6.5.11")]
    public async Task A_storage_failure_during_authentication_gets_temporary_auth_failure_and_a_retry_succeeds()
    {
        var (negotiator, endpoint) = Create(directTls: true);
        negotiator.OnStreamOpened(Header());
        _accounts.LookupFailure = new SqliteException("database is locked", 5);
        Assert.Equal(NegotiationAction.None, await negotiator.OnElementAsync(Plain("juliet", "secret"), default));
        Assert.NotNull(endpoint.Sent[^1].Child("temporary-auth-failure", Namespaces.Sasl));
        Assert.Null(endpoint.Terminated);

        _accounts.LookupFailure = null;
        await negotiator.OnElementAsync(Plain("juliet", "secret"), default);
        Assert.True(endpoint.Sent[^1].Is("success", Namespaces.Sasl));
    }

    private sealed class RecordingEndpoint : ISessionEndpoint, INegotiationOutput
    {
        public List<Element> Sent { get; } = [];

        public IReadOnlyList<XmlAttribute>? HeaderAttributes { get; private set; }

        public StreamErrorCondition? Terminated { get; private set; }

        public string ConnectionId => "test";

        public System.Net.IPAddress? RemoteAddress => null;

        public bool TrySend(Element stanza)
        {
            Sent.Add(stanza);
            return true;
        }

        public void Terminate(StreamErrorCondition condition, string? text = null) => Terminated ??= condition;

        public void SendHeader(IReadOnlyList<XmlAttribute> attributes) => HeaderAttributes = attributes;

        public void Send(Element element) => Sent.Add(element);
    }
}
