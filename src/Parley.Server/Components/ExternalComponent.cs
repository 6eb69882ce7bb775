using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Xml;

namespace Parley.Server.Components;

/// <summary>
/// A XEP-0114 component declared in Components:Secrets: its domain, its shared secret and the one
/// connection that serves it while it is connected. Stanzas for the domain are queued on that
/// connection; while none is attached they are refused, so the router answers service-unavailable.
/// </summary>
internal sealed class ExternalComponent(string domain, string secret) : IComponentHandler
{
    private readonly Lock _gate = new();
    private volatile ISessionEndpoint? _connection;

    public string Domain { get; } = domain;

    public HostKind Kind => HostKind.ExternalComponent;

    /// <summary>The shared secret of the handshake (XEP-0114 §3); never logged.</summary>
    public string Secret { get; } = secret;

    public bool IsConnected => _connection is not null;

    public ValueTask<bool> DeliverAsync(Element stanza, Jid to, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_connection?.TrySend(stanza) ?? false);

    /// <summary>
    /// Makes the connection the component's, queuing <paramref name="welcome"/> on it first, so the
    /// handshake answer precedes every stanza routed to it. False when another connection already
    /// serves the component: that one keeps serving.
    /// </summary>
    public bool TryAttach(ISessionEndpoint connection, Element welcome)
    {
        lock (_gate)
        {
            if (_connection is not null)
            {
                return false;
            }

            connection.TrySend(welcome);
            _connection = connection;
            return true;
        }
    }

    /// <summary>Releases the component when <paramref name="connection"/> is the one serving it.</summary>
    public void Detach(ISessionEndpoint connection)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_connection, connection))
            {
                _connection = null;
            }
        }
    }
}
