using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Diagnostics;

namespace Parley.Server.Hosting;

/// <summary>
/// The XMPP listeners and the addresses they actually bound (with the port the OS chose when
/// asked for port 0). Read it after the host has started.
/// </summary>
public sealed class ListenerEndpoints : IHostedLifecycleService
{
    public const string C2s = "c2s";
    public const string C2sTls = "c2s-tls";
    public const string S2s = "s2s";
    public const string Component = "component";

    private readonly List<(string Kind, ListenOptions Options)> _listeners = [];
    private readonly ILogger<ListenerEndpoints> _logger;
    private readonly ParleyOptions _options;

    internal ListenerEndpoints(ILogger<ListenerEndpoints> logger, IOptions<ParleyOptions> options)
    {
        _logger = logger;
        _options = options.Value;
    }

    public IReadOnlyList<ListenerEndpoint> Endpoints
    {
        get
        {
            lock (_listeners)
            {
                // Kestrel replaces ListenOptions.EndPoint with the bound address once it has bound.
                return [.. _listeners.Where(l => l.Options.EndPoint is IPEndPoint)
                    .Select(l => new ListenerEndpoint(l.Kind, (IPEndPoint)l.Options.EndPoint))];
            }
        }
    }

    internal void Add(string kind, ListenOptions options)
    {
        lock (_listeners)
        {
            _listeners.Add((kind, options));
        }
    }

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken)
    {
        if (_options.AllowPlaintextAuth)
        {
            ConnectionLog.PlaintextAuthAllowed(_logger);
        }

        return Task.CompletedTask;
    }

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in Endpoints)
        {
            ConnectionLog.Listening(_logger, endpoint.Kind, endpoint.EndPoint);
        }

        return Task.CompletedTask;
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
