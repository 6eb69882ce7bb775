using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Server.Connections;
using Parley.Server.Diagnostics;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Xml;

namespace Parley.Server.Federation;

/// <summary>
/// Outbound federation: one <see cref="OutboundStream"/> per (hosted domain, remote domain), reused
/// while it lives; each connects to the remote server's addresses in turn and runs an
/// <see cref="XmppConnection"/> in the <see cref="S2sOutboundRole"/> over a Kestrel socket
/// connection, so outbound streams share the read loop, outbox and TLS code of inbound ones.
/// Outbound streams are bounded apart from the listeners (S2s:MaxOutboundConnections overall,
/// S2s:MaxOutboundConnectionsPerAddress per remote address), and addresses found through DNS are
/// reached only when public unless S2s:AllowPrivateAddresses (issue 11 item 2).
/// </summary>
internal sealed class S2sConnector(FederationServices services, ConnectionServices connections, IServiceProvider provider, ILoggerFactory loggers) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<DomainPair, OutboundStream> _streams = new();
    private readonly ConnectionLimiter _limiter = new(services.S2s.MaxOutboundConnections, services.S2s.MaxOutboundConnectionsPerAddress);
    private int _streamCount;
    private readonly ConcurrentDictionary<XmppConnection, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lazy<SocketConnectionContextFactory> _sockets = new(() =>
        new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), loggers.CreateLogger<S2sConnector>()));

    public FederationServices Services => services;

    /// <summary>Queues a stanza for the remote domain; its sender hears of a failure as a bounce.</summary>
    public void Send(DomainPair pair, Element stanza)
    {
        // A stream that just ended refuses the stanza and the second try opens a new one; a new
        // stream that has ended already (refused at once) leaves the stanza to bounce.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (Stream(pair) is not { } stream)
            {
                Bounce(stanza, StanzaErrorCondition.ResourceConstraint);
                return;
            }

            if (stream.TrySend(stanza))
            {
                return;
            }
        }

        Bounce(stanza, StanzaErrorCondition.RemoteServerNotFound);
    }

    /// <summary>XEP-0220 §2.3: asks the authoritative server of pair.Remote about a key; null when it cannot be reached in time.</summary>
    public async Task<bool?> VerifyAsync(DomainPair pair, string streamId, string key, CancellationToken cancellationToken)
    {
        if (Stream(pair) is not { } stream)
        {
            return null;
        }

        // S2s:DialbackTimeoutSeconds bounds the whole question: connecting, TLS and the answer.
        var timeout = TimeSpan.FromSeconds(services.S2s.DialbackTimeoutSeconds);
        try
        {
            return await stream.VerifyAsync(streamId, key).WaitAsync(timeout, services.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            stream.Abandon(streamId);
            if (e is OperationCanceledException)
            {
                throw;
            }

            return null;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>RFC 6120 §4.9.3.17: outbound streams end with system-shutdown when the host stops.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var connection in _running.Keys)
        {
            connection.Terminate(Xmpp.Streams.StreamErrorCondition.SystemShutdown);
        }

        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host gave up waiting; the connections are aborted with it.
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        if (_sockets.IsValueCreated)
        {
            _sockets.Value.Dispose();
        }
    }

    /// <summary>Removes an ended stream so the next stanza for its pair opens a new one.</summary>
    internal void Forget(OutboundStream stream)
    {
        if (_streams.TryRemove(KeyValuePair.Create(stream.Pair, stream)))
        {
            Interlocked.Decrement(ref _streamCount);
        }
    }

    /// <summary>The live stream of the pair, or a new one; null when S2s:MaxOutboundConnections streams exist already.</summary>
    private OutboundStream? Stream(DomainPair pair)
    {
        if (_streams.TryGetValue(pair, out var existing))
        {
            return existing;
        }

        if (Interlocked.Increment(ref _streamCount) > services.S2s.MaxOutboundConnections)
        {
            Interlocked.Decrement(ref _streamCount);
            FederationLog.OutboundRefused(services.Logger, pair.Local, pair.Remote, "S2s:MaxOutboundConnections reached");
            return null;
        }

        var candidate = new OutboundStream(this, pair);
        var stream = _streams.GetOrAdd(pair, candidate);
        if (ReferenceEquals(stream, candidate))
        {
            stream.Start();
        }
        else
        {
            Interlocked.Decrement(ref _streamCount);
        }

        return stream;
    }

    /// <summary>Connects to each address of the remote domain in turn until one carries a stream; then the stream ends.</summary>
    internal async Task RunAsync(OutboundStream stream)
    {
        var pair = stream.Pair;
        try
        {
            // Off the caller's thread: the stanza that opened the stream is queued before any outcome.
            await Task.Yield();
            // Resolved here, not injected: S2s:Routes are read when the resolver is built, at the first stream.
            var resolver = provider.GetRequiredService<S2sEndpointResolver>();
            foreach (var endpoint in await resolver.ResolveAsync(pair.Remote, _stopping.Token).ConfigureAwait(false))
            {
                foreach (var address in await AddressesAsync(stream, endpoint).ConfigureAwait(false))
                {
                    if (await TryConnectionAsync(stream, endpoint, address).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            FederationLog.OutboundRefused(services.Logger, pair.Local, pair.Remote, e.GetType().Name + ": " + e.Message);
        }
        finally
        {
            Forget(stream);
            stream.End();
            FederationLog.OutboundClosed(services.Logger, pair.Local, pair.Remote);
        }
    }

    /// <summary>
    /// The addresses of an endpoint this server may dial: a static route's as they are; those found
    /// through DNS only when public, unless S2s:AllowPrivateAddresses.
    /// </summary>
    private async Task<IPAddress[]> AddressesAsync(OutboundStream stream, S2sEndpoint endpoint)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(endpoint.Host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(services.S2s.ConnectTimeoutSeconds));
            try
            {
                addresses = await Dns.GetHostAddressesAsync(endpoint.Host, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                FederationLog.ConnectFailed(services.Logger, stream.Pair.Local, stream.Pair.Remote, endpoint.Host, endpoint.Port, e is OperationCanceledException ? "timeout" : e.Message);
                return [];
            }
        }

        if (endpoint.StaticRoute || services.S2s.AllowPrivateAddresses)
        {
            return addresses;
        }

        var allowed = Array.FindAll(addresses, PublicAddress.Is);
        if (allowed.Length != addresses.Length)
        {
            FederationLog.ConnectFailed(services.Logger, stream.Pair.Local, stream.Pair.Remote, endpoint.Host, endpoint.Port, "not a public address (S2s:AllowPrivateAddresses)");
        }

        return allowed;
    }

    /// <summary>Admits, connects and runs one connection to one address; true when it was connected (the stream then ends with it).</summary>
    private async Task<bool> TryConnectionAsync(OutboundStream stream, S2sEndpoint endpoint, IPAddress address)
    {
        var target = new IPEndPoint(address, endpoint.Port);
        if (!_limiter.TryAdmit(target, out var source, out _))
        {
            stream.Refused(StanzaErrorCondition.ResourceConstraint, $"S2s:MaxOutboundConnections or S2s:MaxOutboundConnectionsPerAddress reached for {address}");
            return false;
        }

        try
        {
            var socket = await ConnectAsync(stream, endpoint, target).ConfigureAwait(false);
            if (socket is null)
            {
                return false;
            }

            await RunConnectionAsync(stream, socket, endpoint).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _limiter.Release(source);
        }
    }

    private async Task<Socket?> ConnectAsync(OutboundStream stream, S2sEndpoint endpoint, IPEndPoint target)
    {
        var pair = stream.Pair;
        FederationLog.Connecting(services.Logger, pair.Local, pair.Remote, endpoint.Host, endpoint.Port);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(services.S2s.ConnectTimeoutSeconds));
        try
        {
            await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            socket.Dispose();
            if (e is OperationCanceledException && !_stopping.IsCancellationRequested)
            {
                stream.TimedOut();
            }

            FederationLog.ConnectFailed(services.Logger, pair.Local, pair.Remote, target.Address.ToString(), endpoint.Port, e is OperationCanceledException ? "timeout" : e.Message);
            return null;
        }
    }

    private async Task RunConnectionAsync(OutboundStream stream, Socket socket, S2sEndpoint endpoint)
    {
        var context = _sockets.Value.Create(socket);
        try
        {
            var connection = new XmppConnection(context, connections, endpoint.DirectTls, c => new S2sOutboundRole(services, stream, c, endpoint.DirectTls));
            stream.Attach(connection);
            var started = services.Time.GetTimestamp();
            var run = connection.RunAsync();
            _running[connection] = run;
            if (_stopping.IsCancellationRequested)
            {
                connection.Terminate(Xmpp.Streams.StreamErrorCondition.SystemShutdown);
            }

            await run.ConfigureAwait(false);
            _running.TryRemove(connection, out _);
            if (!stream.IsAuthenticated && services.Elapsed(started, services.Time.GetTimestamp(), services.Options.Limits.NegotiationTimeoutSeconds))
            {
                // RFC 6120 §4.9.3.4: the remote server did not complete negotiation in time.
                stream.TimedOut();
            }
        }
        finally
        {
            await context.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// RFC 6120 §10.4.3: a stanza that cannot leave is answered to its local sender, presence
    /// included (<see cref="Routing.Unhandled.AnswersUnreachable"/>); never an error (§8.3.1) or an IQ result.
    /// </summary>
    public void Bounce(Element stanza, StanzaErrorCondition condition)
    {
        if (!Routing.Unhandled.AnswersUnreachable(stanza) || !Jid.TryParse(stanza.GetAttribute("from"), out var sender) || !services.Domains.Contains(sender.Domain))
        {
            return;
        }

        // Through the one delivery path, as the server answering for the sender's domain, so the
        // sender's filters (blocking) and its sessions' outbound filters apply as to any stanza.
        // Resolved at run time: the delivery path reaches federation through the remote router.
        // Only a client's stanzas are answered (the router stamps their full JID); what the server
        // sent for an account (subscription bookkeeping) has no one waiting for the answer.
        if (sender.Resource is null)
        {
            return;
        }

        var error = Stanza.ErrorReply(stanza, StanzaError.Of(condition));
        _ = provider.GetRequiredService<StanzaDelivery>().SendAsync(Origin.ServerOf(sender), error, sender, _stopping.Token).AsTask();
    }
}
