using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Parley.Server.Http;

/// <summary>
/// A client stream carried by HTTP (a WebSocket, a BOSH session) presented to
/// <see cref="Connections.XmppConnection"/> as a connection: an input pipe the transport fills
/// (bounded, so a stream that stops reading pushes back), an output pipe, the HTTP peer's
/// addresses, and the host's stopping as the lifetime notification (RFC 6120 §4.9.3.17 system-shutdown).
/// </summary>
internal abstract class HttpCarriedConnection : ConnectionContext, IConnectionLifetimeNotificationFeature, IDuplexPipe
{
    protected HttpCarriedConnection(string connectionId, ConnectionInfo connection, CancellationToken stopping)
    {
        ConnectionId = connectionId;
        ConnectionClosedRequested = stopping;
        RemoteEndPoint = connection.RemoteIpAddress is { } remote ? new IPEndPoint(remote, connection.RemotePort) : null;
        LocalEndPoint = connection.LocalIpAddress is { } local ? new IPEndPoint(local, connection.LocalPort) : null;
        Features.Set<IConnectionLifetimeNotificationFeature>(this);
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport
    {
        get => this;
        set => throw new NotSupportedException();
    }

    public override CancellationToken ConnectionClosed
    {
        get => ClosedSource.Token;
        set => throw new NotSupportedException();
    }

    /// <summary>The host is stopping: the connection ends its stream with system-shutdown.</summary>
    public CancellationToken ConnectionClosedRequested { get; set; }

    PipeReader IDuplexPipe.Input => InputPipe.Reader;

    PipeWriter IDuplexPipe.Output => OutputPipe.Writer;

    /// <summary>What the client sent, as the framing reads it.</summary>
    protected Pipe InputPipe { get; } = new(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));

    protected Pipe OutputPipe { get; } = new(new PipeOptions(useSynchronizationContext: false));

    protected CancellationTokenSource ClosedSource { get; } = new();

    public void RequestClose()
    {
        // Only the host's stopping asks connections to close; nothing to do for one.
    }
}
