using System.Net.Security;
using System.Security.Cryptography;
using Parley.Server.Connections;
using Parley.Server.Diagnostics;
using Parley.Server.Negotiation;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Components;

/// <summary>
/// An external component's stream (XEP-0114, jabber:component:accept): the header names the
/// component's domain, the component proves the shared secret with the handshake, and from then on
/// its stanzas, each from its own domain, enter the router and stanzas for its domain come back
/// out on this connection. No TLS and no stream features: the protocol has none, so components
/// belong on loopback or a trusted network (docs/security.md).
/// </summary>
internal sealed class ComponentRole(ComponentConnectionHandler handler, XmppConnection connection) : IStreamRole
{
    private ExternalComponent? _component;
    private string? _streamId;
    private bool _attached;

    public string Kind => "component";

    public string ContentNamespace => Namespaces.ComponentAccept;

    public IReadOnlyList<KeyValuePair<string, string>> HeaderDeclarations => [];

    public bool IsEstablished => _attached;

    public void OnStarted()
    {
        // The component speaks first (XEP-0114 §3).
    }

    /// <summary>XEP-0114 §3: the component's header carries no version.</summary>
    public bool HeaderCarriesVersion => false;

    public NegotiationAction OnStreamOpened(StreamHeader header)
    {
        if (_streamId is not null)
        {
            // The protocol has no stream restarts.
            throw new StreamErrorException(StreamErrorCondition.BadFormat, "Unexpected stream header");
        }

        // XEP-0114 §3: 'to' is the component's domain; one not declared in Components:Secrets is not hosted here.
        var to = header.To;
        if (!Jid.TryParse(to, out var domain) || domain.Local is not null || domain.Resource is not null
            || !handler.Domains.TryGetComponent(domain.Domain, out var component) || component is not ExternalComponent external)
        {
            ComponentLog.Refused(handler.Logger, connection.ConnectionId, to ?? "", StreamErrorCondition.HostUnknown);
            throw new StreamErrorException(StreamErrorCondition.HostUnknown);
        }

        _component = external;
        _streamId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        connection.SendHeader([new XmlAttribute("from", external.Domain), new XmlAttribute("id", _streamId)]);
        return NegotiationAction.None;
    }

    public async ValueTask<NegotiationAction> OnElementAsync(Element element, CancellationToken cancellationToken)
    {
        var component = _component!;
        if (!_attached)
        {
            OnHandshake(component, element);
            return NegotiationAction.None;
        }

        if (!Stanza.IsStanza(element) || element.Namespace != Namespaces.ComponentAccept)
        {
            // RFC 6120 §4.9.3.24: only stanzas once the component is connected.
            throw new StreamErrorException(StreamErrorCondition.UnsupportedStanzaType);
        }

        // RFC 6120 §4.9.3.7: stanzas between server entities carry both addresses.
        if (!Jid.TryParse(element.GetAttribute("from"), out var from) || !Jid.TryParse(element.GetAttribute("to"), out var to))
        {
            throw new StreamErrorException(StreamErrorCondition.ImproperAddressing);
        }

        if (from.Domain != component.Domain)
        {
            // RFC 6120 §4.9.3.9: a component speaks only for JIDs at its own domain.
            throw new StreamErrorException(StreamErrorCondition.InvalidFrom);
        }

        // A component origin: replies and bounces go back through the component's handler, to this connection.
        await handler.Router.RouteFromRemoteAsync(Origin.Component(from), StreamStanza.ToClient(element, Namespaces.ComponentAccept), to, cancellationToken)
            .ConfigureAwait(false);
        return NegotiationAction.None;
    }

    public Task<(SslStream Stream, TlsState State)> AuthenticateTlsAsync(Stream transport, bool directTls, CancellationToken cancellationToken) =>
        throw new NotSupportedException("XEP-0114 streams have no TLS.");

    public void OnTlsEstablished(TlsState tls) => throw new NotSupportedException("XEP-0114 streams have no TLS.");

    public void OnStreamRestarted()
    {
        // Never asked for: the component role returns no RestartStream action.
    }

    public IReadOnlyList<XmlAttribute> ErrorHeader(StreamHeader? peerHeader) =>
        [new("from", _component?.Domain ?? handler.Domains.Default), new("id", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)))];

    public void OnHeartbeat(long timestamp)
    {
        // Only the connection's negotiation deadline applies (until the handshake).
    }

    public ValueTask OnClosedAsync()
    {
        if (_attached)
        {
            _component!.Detach(connection);
            ComponentLog.Disconnected(handler.Logger, _component.Domain, connection.ConnectionId);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// XEP-0114 §3: nothing but the handshake before the component is connected; a wrong secret is
    /// not-authorized and a second connection for a connected component is conflict (the first one
    /// keeps serving). Either ends this stream only.
    /// </summary>
    private void OnHandshake(ExternalComponent component, Element element)
    {
        if (!element.Is("handshake", Namespaces.ComponentAccept) || !ComponentHandshake.Matches(_streamId!, component.Secret, element.Text))
        {
            Refuse(component, StreamErrorCondition.NotAuthorized);
        }

        if (!component.TryAttach(connection, new Element("handshake", Namespaces.ComponentAccept)))
        {
            Refuse(component, StreamErrorCondition.Conflict);
        }

        _attached = true;
        ComponentLog.Connected(handler.Logger, component.Domain, connection.ConnectionId);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Refuse(ExternalComponent component, StreamErrorCondition condition)
    {
        ComponentLog.Refused(handler.Logger, connection.ConnectionId, component.Domain, condition);
        throw new StreamErrorException(condition);
    }
}
