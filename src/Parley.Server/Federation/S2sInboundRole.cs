using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Parley.Server.Connections;
using Parley.Server.Diagnostics;
using Parley.Server.Negotiation;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Sasl;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Federation;

/// <summary>
/// A stream another server opened to this one (RFC 6120 §4.2, jabber:server): STARTTLS, then
/// Server Dialback (XEP-0220) for each domain pair the peer asks for (piggybacking, §4.3), and
/// answers to db:verify for this server's own domains. Every stanza must come from a domain
/// authenticated on this stream for the hosted domain it addresses (RFC 6120 §13.1, §4.9.3.9)
/// before it enters the router as if a local sender's.
/// </summary>
internal sealed class S2sInboundRole(S2sConnectionHandler handler, XmppConnection connection, bool directTls) : IStreamRole
{
    private readonly FederationServices _services = handler.Services;

    // Pairs (remote domain, hosted domain) proven on this stream; written by verification tasks.
    private readonly ConcurrentDictionary<DomainPair, byte> _authenticated = new();
    private readonly CancellationTokenSource _closed = new();

    private readonly bool _directTls = directTls;
    private bool _secure = directTls;
    private bool _awaitingHeader = true;
    private string? _streamId;
    private string? _localDomain;
    private string? _peerDomain;
    private X509Certificate2? _peerCertificate;
    private X509Certificate2Collection? _peerIntermediates;
    private int _pendingVerifications;
    private bool _saslDone;
    private long _lastActivity = handler.Services.Time.GetTimestamp();

    public string Kind => _directTls ? "s2s-tls-in" : "s2s-in";

    public string ContentNamespace => Namespaces.Server;

    public IReadOnlyList<KeyValuePair<string, string>> HeaderDeclarations => FederationServices.HeaderDeclarations;

    public bool IsEstablished => !_authenticated.IsEmpty;

    /// <summary>
    /// RFC 6120 §5.3.1: TLS is mandatory-to-negotiate unless the policy of the domain the header
    /// names is "off". That only decides what the features say: each domain authenticated on the
    /// stream is held to its own policy (<see cref="RequireTlsFor"/>), whatever the header claimed.
    /// </summary>
    private bool TlsRequired => _services.PolicyFor(_peerDomain) != S2sCertificatePolicy.Off;

    public void OnStarted()
    {
        // The initiating server speaks first (RFC 6120 §4.2).
    }

    public NegotiationAction OnStreamOpened(StreamHeader header)
    {
        if (!_awaitingHeader)
        {
            throw new StreamErrorException(StreamErrorCondition.BadFormat, "Unexpected stream header");
        }

        // RFC 6120 §4.9.3.6: 'to' names a hosted domain (absent: the default one, RFC 6120 §4.7.2).
        var to = header.To;
        string local;
        if (to is null)
        {
            local = _services.Domains.Default;
        }
        else if (!_services.Domains.TryMatchServed(to, out local))
        {
            throw new StreamErrorException(StreamErrorCondition.HostUnknown);
        }

        _localDomain = local;
        if (header.From is { } from && Jid.TryParse(from, out var peer) && peer.Local is null && peer.Resource is null)
        {
            _peerDomain = peer.Domain;
        }

        _awaitingHeader = false;
        _streamId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        connection.SendHeader(Header(_peerDomain, _streamId));
        connection.Send(Features());
        return NegotiationAction.None;
    }

    public async ValueTask<NegotiationAction> OnElementAsync(Element element, CancellationToken cancellationToken)
    {
        if (_awaitingHeader)
        {
            throw new StreamErrorException(StreamErrorCondition.BadFormat, "Expected a stream header");
        }

        _lastActivity = _services.Time.GetTimestamp();
        if (element.Is("starttls", Namespaces.Tls))
        {
            if (_secure)
            {
                throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "TLS is already established");
            }

            connection.Send(new Element("proceed", Namespaces.Tls));
            _awaitingHeader = true;
            return NegotiationAction.StartTls;
        }

        if (!_secure && TlsRequired)
        {
            // RFC 6120 §5.3.1: nothing but STARTTLS while TLS is required.
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "STARTTLS is required");
        }

        if (element.Is("auth", Namespaces.Sasl))
        {
            return await OnSaslAsync(element, cancellationToken).ConfigureAwait(false);
        }

        if (element.Namespace == Namespaces.Dialback && element.GetAttribute("type") is null)
        {
            if (element.Name == "result")
            {
                OnDialbackResult(element);
                return NegotiationAction.None;
            }

            if (element.Name == "verify")
            {
                OnDialbackVerify(element);
                return NegotiationAction.None;
            }
        }

        if (Stanza.IsStanza(element) && element.Namespace == Namespaces.Server)
        {
            await OnStanzaAsync(element, cancellationToken).ConfigureAwait(false);
            return NegotiationAction.None;
        }

        // RFC 6120 §4.9.3.24 (and §4.9.3.12 before authentication).
        throw new StreamErrorException(IsEstablished ? StreamErrorCondition.UnsupportedStanzaType : StreamErrorCondition.NotAuthorized);
    }

    public Task<(SslStream Stream, TlsState State)> AuthenticateTlsAsync(Stream transport, bool directTls, CancellationToken cancellationToken) =>
        _services.Tls.AuthenticateAsync(transport, directTls, _localDomain, serverToServer: true, cancellationToken);

    public void OnTlsEstablished(TlsState tls)
    {
        _secure = true;
        _awaitingHeader = true;
        _peerCertificate = tls.PeerCertificate;
        _peerIntermediates = tls.PeerIntermediates;
    }

    public void OnStreamRestarted() => _awaitingHeader = true;

    public IReadOnlyList<XmlAttribute> ErrorHeader(StreamHeader? peerHeader) =>
        Header(_peerDomain, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    public void OnHeartbeat(long timestamp)
    {
        if (IsEstablished && _services.Elapsed(_lastActivity, timestamp, _services.S2s.IdleTimeoutSeconds))
        {
            // RFC 6120 §4.4: an idle stream is closed without an error; the peer reconnects when needed.
            _lastActivity = timestamp;
            FederationLog.Idle(_services.Logger, connection.ConnectionId);
            connection.Close();
        }
    }

    public ValueTask OnClosedAsync()
    {
        _closed.Cancel();
        return ValueTask.CompletedTask;
    }

    private List<XmlAttribute> Header(string? peer, string id)
    {
        var attributes = new List<XmlAttribute> { new("from", _localDomain ?? _services.Domains.Default), new("id", id) };
        if (peer is not null)
        {
            attributes.Add(new XmlAttribute("to", peer));
        }

        attributes.Add(new XmlAttribute("version", "1.0"));
        return attributes;
    }

    private Element Features()
    {
        var features = new Element("features", Namespaces.Streams);
        if (!_secure)
        {
            var starttls = features.AddElement("starttls", Namespaces.Tls);
            if (TlsRequired)
            {
                starttls.AddElement("required");
                return features;
            }
        }

        if (!_saslDone && _secure && ExternalIdentity(null) is not null)
        {
            // RFC 7590 §3.1, XEP-0178 §3: the certificate is valid for the domain the header names.
            features.AddElement("mechanisms", Namespaces.Sasl).AddElement("mechanism").AddText(SaslMechanismNames.External);
        }

        // XEP-0220 §2.1: dialback is offered, with support for dialback errors (§2.4); after SASL it
        // remains for piggybacking other domains (§4.3).
        features.AddElement("dialback", Namespaces.DialbackFeature).AddElement("errors");
        return features;
    }

    /// <summary>
    /// XEP-0178 §3 with RFC 6120 §6.4: SASL EXTERNAL authenticates the domain the peer asks for (its
    /// authzid, else the header's 'from') when its TLS certificate is valid for it. Success
    /// restarts the stream; a failure leaves dialback to the peer.
    /// </summary>
    private async ValueTask<NegotiationAction> OnSaslAsync(Element auth, CancellationToken cancellationToken)
    {
        if (_saslDone || !_secure)
        {
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "SASL is not available at this stage");
        }

        SaslServerStep step;
        if (auth.GetAttribute("mechanism") != SaslMechanismNames.External)
        {
            step = SaslServerStep.Failure(SaslFailureCondition.InvalidMechanism);
        }
        else if (!SaslEncoding.TryDecode(auth.Text, out var initial))
        {
            step = SaslServerStep.Failure(SaslFailureCondition.IncorrectEncoding);
        }
        else
        {
            step = await SaslServerMechanisms.CreateExternal(ExternalIdentity).StepAsync(initial, cancellationToken).ConfigureAwait(false);
        }

        if (step.Kind != SaslStepKind.Success)
        {
            var failure = new Element("failure", Namespaces.Sasl);
            failure.AddElement(ConditionNames<SaslFailureCondition>.Name(step.Kind == SaslStepKind.Failure ? step.Condition : SaslFailureCondition.MalformedRequest));
            connection.Send(failure);
            return NegotiationAction.None;
        }

        var remote = step.Username!;
        _saslDone = true;
        _authenticated.TryAdd(new DomainPair(_localDomain!, remote), 0);
        FederationLog.InboundAuthenticated(_services.Logger, connection.ConnectionId, remote, _localDomain!, "SASL EXTERNAL");
        connection.Send(new Element("success", Namespaces.Sasl));
        _awaitingHeader = true;
        return NegotiationAction.RestartStream;
    }

    /// <summary>The domain EXTERNAL may authenticate for an authzid (null: the header's 'from'), or null.</summary>
    private string? ExternalIdentity(string? authzid)
    {
        var requested = authzid ?? _peerDomain;
        if (requested is null || !Jid.TryParse(requested, out var jid) || jid.Local is not null || jid.Resource is not null)
        {
            return null;
        }

        var domain = jid.Domain;
        return _services.PolicyFor(domain) != S2sCertificatePolicy.Off && _services.IsCertificateValidFor(_peerCertificate, _peerIntermediates, domain) ? domain : null;
    }

    /// <summary>
    /// XEP-0220 §2.1.2: the originating server asks to send from 'from' to 'to' with a key; it is
    /// checked with the authoritative server for 'from' (db:verify over an outbound stream, §2.3)
    /// and the answer given on this stream. Verification runs beside the read loop, so other pairs
    /// (piggybacking, §4.3) and stanzas of pairs already proven keep flowing.
    /// </summary>
    private void OnDialbackResult(Element request)
    {
        var (remote, local) = Addresses(request);
        RequireTlsFor(remote);
        var pair = new DomainPair(local, remote);
        if (!_services.Domains.Serves(local))
        {
            // XEP-0220 §2.4: the receiving server does not host 'to' (a user domain or a component's).
            connection.Send(DialbackError("result", local, remote, null, StanzaErrorType.Cancel, StanzaErrorCondition.ItemNotFound));
            return;
        }

        if (_services.PolicyFor(remote) == S2sCertificatePolicy.Require && !(_secure && _services.IsCertificateValidFor(_peerCertificate, _peerIntermediates, remote)))
        {
            // S2s policy "require": a domain is proven by its certificate only (RFC 7590 §3.1).
            FederationLog.DialbackRefused(_services.Logger, connection.ConnectionId, remote, local, "refused by policy");
            connection.Send(DialbackError("result", local, remote, null, StanzaErrorType.Auth, StanzaErrorCondition.NotAuthorized));
            return;
        }

        if (_authenticated.ContainsKey(pair))
        {
            connection.Send(FederationServices.Dialback("result", local, remote, "valid"));
            return;
        }

        if (Interlocked.Increment(ref _pendingVerifications) > _services.S2s.MaxPendingVerificationsPerStream)
        {
            // S2s:MaxPendingVerificationsPerStream: each verification may open an outbound stream;
            // one peer cannot make this server open them without bound (issue 11 item 2).
            Interlocked.Decrement(ref _pendingVerifications);
            FederationLog.DialbackRefused(_services.Logger, connection.ConnectionId, remote, local, "over S2s:MaxPendingVerificationsPerStream");
            connection.Send(DialbackError("result", local, remote, null, StanzaErrorType.Wait, StanzaErrorCondition.ResourceConstraint));
            return;
        }

        var key = request.Text;
        var streamId = _streamId!;
        _ = VerifyAsync(pair, streamId, key);
    }

    /// <summary>
    /// Before TLS, only a domain whose own policy is "off" may authenticate or ask anything: with a
    /// DomainPolicies entry "off", a stream whose header claims that domain must not run dialback
    /// for others in the clear (RFC 6120 §5.3.1, §13.9.2).
    /// </summary>
    private void RequireTlsFor(string domain)
    {
        if (!_secure && _services.PolicyFor(domain) != S2sCertificatePolicy.Off)
        {
            throw new StreamErrorException(StreamErrorCondition.PolicyViolation, "TLS is required for " + domain);
        }
    }

    private async Task VerifyAsync(DomainPair pair, string streamId, string key)
    {
        try
        {
            var valid = await handler.Connector.VerifyAsync(pair, streamId, key, _closed.Token).ConfigureAwait(false);
            if (valid == true)
            {
                _authenticated.TryAdd(pair, 0);
                FederationLog.InboundAuthenticated(_services.Logger, connection.ConnectionId, pair.Remote, pair.Local, "dialback");
                connection.Send(FederationServices.Dialback("result", pair.Local, pair.Remote, "valid"));
            }
            else if (valid == false)
            {
                FederationLog.DialbackRefused(_services.Logger, connection.ConnectionId, pair.Remote, pair.Local, "invalid");
                connection.Send(FederationServices.Dialback("result", pair.Local, pair.Remote, "invalid"));
            }
            else
            {
                // XEP-0220 §2.4: the authoritative server could not be reached.
                FederationLog.DialbackRefused(_services.Logger, connection.ConnectionId, pair.Remote, pair.Local, "unverifiable");
                connection.Send(DialbackError("result", pair.Local, pair.Remote, null, StanzaErrorType.Cancel, StanzaErrorCondition.RemoteServerNotFound));
            }
        }
        catch (OperationCanceledException)
        {
            // The stream closed while its key was being verified.
        }
        catch (Exception e)
        {
            FederationLog.VerificationFailed(_services.Logger, pair.Remote, pair.Local, e);
            connection.Send(DialbackError("result", pair.Local, pair.Remote, null, StanzaErrorType.Cancel, StanzaErrorCondition.InternalServerError));
        }
        finally
        {
            Interlocked.Decrement(ref _pendingVerifications);
        }
    }

    /// <summary>
    /// XEP-0220 §2.3.2: as the authoritative server of 'to', recompute the key the receiving server
    /// ('from') was given for the stream id and say whether it matches (XEP-0185: nothing is stored).
    /// </summary>
    private void OnDialbackVerify(Element request)
    {
        var (receiving, originating) = Addresses(request);
        RequireTlsFor(receiving);
        var id = request.GetAttribute("id");
        if (id is null)
        {
            throw new StreamErrorException(StreamErrorCondition.BadFormat, "db:verify without id");
        }

        if (!_services.Domains.Contains(originating))
        {
            connection.Send(DialbackError("verify", originating, receiving, id, StanzaErrorType.Cancel, StanzaErrorCondition.ItemNotFound));
            return;
        }

        var valid = DialbackKey.Matches(_services.Secret, receiving, originating, id, request.Text);
        FederationLog.VerifyAnswered(_services.Logger, receiving, originating, valid ? "valid" : "invalid");
        connection.Send(FederationServices.Dialback("verify", originating, receiving, valid ? "valid" : "invalid", id));
    }

    /// <summary>XEP-0220 §2.1.2: 'from' and 'to' are domains; anything else is improper addressing (RFC 6120 §4.9.3.7).</summary>
    private static (string From, string To) Addresses(Element element)
    {
        if (Jid.TryParse(element.GetAttribute("from"), out var from) && from.Local is null && from.Resource is null
            && Jid.TryParse(element.GetAttribute("to"), out var to) && to.Local is null && to.Resource is null)
        {
            return (from.Domain, to.Domain);
        }

        throw new StreamErrorException(StreamErrorCondition.ImproperAddressing);
    }

    /// <summary>
    /// XEP-0220 §2.4 (Example 8): a dialback error carries an &lt;error/&gt; of the stream's default
    /// namespace, unprefixed inside the &lt;db:result/&gt; or &lt;db:verify/&gt;.
    /// </summary>
    private static Element DialbackError(string name, string from, string to, string? id, StanzaErrorType type, StanzaErrorCondition condition) =>
        FederationServices.Dialback(name, from, to, "error", id).Add(new StanzaError(type, condition).ToElement());

    /// <summary>
    /// RFC 6120 §8.1.1.1 / §8.1.2.1 on server streams: 'to' and 'from' are required and must be
    /// addresses (else improper-addressing); 'to' must be hosted here (host-unknown); the pair must
    /// have been authenticated on this stream (invalid-from, §4.9.3.9). Then the stanza enters the
    /// router like any other, from a remote origin: replies to it leave through the outbound stream.
    /// </summary>
    private async ValueTask OnStanzaAsync(Element element, CancellationToken cancellationToken)
    {
        if (_authenticated.IsEmpty)
        {
            // RFC 6120 §4.9.3.12: no stanza before the peer is authenticated.
            throw new StreamErrorException(StreamErrorCondition.NotAuthorized);
        }

        if (!Jid.TryParse(element.GetAttribute("from"), out var from) || !Jid.TryParse(element.GetAttribute("to"), out var to))
        {
            throw new StreamErrorException(StreamErrorCondition.ImproperAddressing);
        }

        if (!_services.Domains.Serves(to.Domain))
        {
            // A component domain is served too: the router hands its stanzas to the component.
            throw new StreamErrorException(StreamErrorCondition.HostUnknown);
        }

        if (!_authenticated.ContainsKey(new DomainPair(to.Domain, from.Domain)))
        {
            throw new StreamErrorException(StreamErrorCondition.InvalidFrom);
        }

        var stanza = StreamStanza.ToClient(element, Namespaces.Server);
        await handler.Router.RouteFromRemoteAsync(Origin.Remote(from), stanza, to, cancellationToken).ConfigureAwait(false);
    }
}
