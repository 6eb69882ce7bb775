using System.Security.Cryptography;
using Parley.Server.Connections;
using Parley.Server.Diagnostics;
using Parley.Server.Modules;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Negotiation;

/// <summary>
/// The client-to-server stream negotiation of RFC 6120 (header → STARTTLS → SASL → restart → bind)
/// as a socket-free state machine: events in, elements and an action out. Conditions that end the
/// stream are thrown as <see cref="StreamErrorException"/> for the connection's choke point.
/// </summary>
internal sealed partial class C2sNegotiator(NegotiationServices services, ISessionEndpoint endpoint, INegotiationOutput output, bool directTls)
{
    private TlsState? _tls;
    private bool _secure = directTls;
    private Jid? _account;
    private string? _domain;
    private SaslServerMechanism? _exchange;
    private string? _mechanism;
    private int _failedAttempts;
    private int _preAuthenticationSets;
    private string? _triedAccount;
    private bool _awaitingHeader = true;

    /// <summary>The bound session once <see cref="NegotiationAction.Bound"/> was returned.</summary>
    public ClientSession? Session { get; private set; }

    public bool IsSecure => _secure;

    /// <summary>The hosted domain the client's stream header named, once one was accepted.</summary>
    public string? Domain => _domain;

    private bool PlaintextAllowed => services.Options.AllowPlaintextAuth;

    private SaslServerContext Sasl => new()
    {
        FindCredential = FindCredentialAsync,
        Secret = services.SaslSecret,
        IsTlsActive = IsSecure,
        AllowPlainWithoutTls = PlaintextAllowed,
        ChannelBindingData = _tls?.ChannelBinding,
        Domain = _domain,
    };

    /// <summary>Called after the TLS handshake (STARTTLS or direct TLS). The client must now send a new header.</summary>
    public void OnTlsEstablished(TlsState tls)
    {
        _tls = tls;
        _secure = true;
        _awaitingHeader = true;
    }

    /// <summary>The attributes of the response header to send before a stream error when none was sent yet (RFC 6120 §4.9.1.1).</summary>
    public IReadOnlyList<XmlAttribute> ErrorHeader(StreamHeader? clientHeader) =>
        ResponseHeader(clientHeader, _domain ?? services.Domains.Default);

    /// <summary>RFC 6120 §4.7: validates the initiating header's addresses (its namespace and version are checked by the connection), answers with ours and the features of this stage.</summary>
    public NegotiationAction OnStreamOpened(StreamHeader header)
    {
        if (!_awaitingHeader)
        {
            throw new StreamErrorException(StreamErrorCondition.BadFormat, "Unexpected stream header");
        }

        ValidateHeader(header);
        _awaitingHeader = false;
        output.SendHeader(ResponseHeader(header, _domain!));
        output.Send(Features());
        return NegotiationAction.None;
    }

    public async ValueTask<NegotiationAction> OnElementAsync(Element element, CancellationToken cancellationToken)
    {
        if (_awaitingHeader)
        {
            throw new StreamErrorException(StreamErrorCondition.BadFormat, "Expected a stream header");
        }

        if (element.Is("starttls", Namespaces.Tls))
        {
            return StartTls();
        }

        if (element.Namespace == Namespaces.Sasl && _account is null)
        {
            return await OnSaslAsync(element, cancellationToken).ConfigureAwait(false);
        }

        if (_account is not null && !Stanza.IsStanza(element) && services.Modules.FindBeforeBind(element.Name, element.Namespace) is { } handler)
        {
            // XEP-0198 §5: a resumed stream carries an existing session instead of binding a new one.
            Session = await handler(new BeforeBindContext(_account, element, endpoint, output.Send, cancellationToken)).ConfigureAwait(false);
            return Session is null ? NegotiationAction.None : NegotiationAction.Bound;
        }

        if (Stanza.IsStanza(element) && element.Namespace == Namespaces.Client)
        {
            if (_account is not null && element.Name == "iq")
            {
                return await BindAsync(element, cancellationToken).ConfigureAwait(false);
            }

            if (_account is null && element.Name == "iq" && (IsSecure || PlaintextAllowed)
                && await TryPreAuthenticationIqAsync(element, cancellationToken).ConfigureAwait(false))
            {
                return NegotiationAction.None;
            }
        }

        // RFC 6120 §6.1 and §7.1: nothing but negotiation before authentication and binding.
        throw new StreamErrorException(StreamErrorCondition.NotAuthorized);
    }

    private void ValidateHeader(StreamHeader header)
    {
        // RFC 6120 §4.9.3.6: 'to' must name a hosted domain; on restarts it must stay the same.
        if (!services.Domains.TryMatch(header.To, out var domain) || (_domain is not null && domain != _domain))
        {
            throw new StreamErrorException(StreamErrorCondition.HostUnknown);
        }

        _domain = domain;
    }

    private List<XmlAttribute> ResponseHeader(StreamHeader? clientHeader, string domain)
    {
        // RFC 6120 §4.7.3: a fresh, unpredictable id (128 bits) for every header, including restarts.
        var attributes = new List<XmlAttribute>
        {
            new("from", domain),
            new("id", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
        };

        // RFC 6120 §4.7.2: 'to' echoes the client's 'from' when it gave one.
        if (clientHeader?.From is { } from && Jid.TryParse(from, out _))
        {
            attributes.Add(new XmlAttribute("to", from));
        }

        attributes.Add(new XmlAttribute("version", "1.0"));
        attributes.Add(new XmlAttribute("lang", clientHeader?.Lang ?? "en", Namespaces.Xml));
        return attributes;
    }

    private Element Features()
    {
        var features = new Element("features", Namespaces.Streams);
        if (_account is not null)
        {
            features.AddElement("bind", Namespaces.Bind);
            // RFC 6121 §1.4 (formerly RFC 3921 §3): advertised as optional so old clients may still send it.
            features.AddElement("session", Namespaces.Session).AddElement("optional");
            AddModuleFeatures(features, StreamStage.PostAuthentication);
            return features;
        }

        if (!IsSecure)
        {
            var starttls = features.AddElement("starttls", Namespaces.Tls);
            if (!PlaintextAllowed)
            {
                // RFC 6120 §5.3.1: TLS is mandatory-to-negotiate, so nothing else is offered yet.
                starttls.AddElement("required");
                return features;
            }
        }

        var sasl = Sasl;
        var mechanisms = features.AddElement("mechanisms", Namespaces.Sasl);
        foreach (var name in SaslServerMechanisms.Advertised(sasl))
        {
            mechanisms.AddElement("mechanism").AddText(name);
        }

        var bindings = SaslServerMechanisms.ChannelBindingTypes(sasl);
        if (bindings.Count > 0)
        {
            // XEP-0440: tell clients which channel bindings the -PLUS mechanisms can use.
            var cb = features.AddElement("sasl-channel-binding", Namespaces.SaslChannelBinding);
            foreach (var type in bindings)
            {
                cb.AddElement("channel-binding").SetAttribute("type", type);
            }
        }

        AddModuleFeatures(features, StreamStage.PreAuthentication);
        return features;
    }

    private void AddModuleFeatures(Element features, StreamStage stage)
    {
        foreach (var feature in services.Modules.StreamFeatures(stage, new StreamFeatureContext(_domain!, IsSecure)))
        {
            features.Add(feature);
        }
    }

    private NegotiationAction StartTls()
    {
        if (IsSecure || _account is not null)
        {
            // RFC 6120 §5.4.3.1: STARTTLS is offered once, before authentication; anything else is a protocol error.
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "TLS is not available at this stage");
        }

        output.Send(new Element("proceed", Namespaces.Tls));
        _awaitingHeader = true;
        return NegotiationAction.StartTls;
    }
}
