using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
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
public sealed partial class ListenerEndpoints : IHostedLifecycleService
{
    public const string C2s = "c2s";
    public const string C2sTls = "c2s-tls";
    public const string S2s = "s2s";
    public const string Component = "component";
    public const string Http = "http";
    public const string Https = "https";

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

    /// <summary>
    /// For a start that failed because a port is taken, one line naming the listener and its port
    /// (Kestrel's own message speaks of "http://" addresses); null for any other failure.
    /// </summary>
    public string? DescribeAddressInUse(Exception exception)
    {
        if (exception is not IOException { InnerException: AddressInUseException }
            || AddressInMessage().Match(exception.Message) is not { Success: true } match)
        {
            return null;
        }

        var port = int.Parse(match.Groups["port"].ValueSpan, CultureInfo.InvariantCulture);
        string[] kinds;
        lock (_listeners)
        {
            kinds = [.. _listeners.Where(l => l.Options.EndPoint is IPEndPoint endPoint && endPoint.Port == port).Select(l => l.Kind).Distinct()];
        }

        var listener = kinds.Length == 0 ? "a listener" : "the " + string.Join("/", kinds) + " listener";
        return $"cannot start {listener} on {match.Groups["host"].Value} port {port}: the address is already in use (is another server running? change the port or set it to 0 to disable that listener)";
    }

    [GeneratedRegex(@"://(?<host>.+):(?<port>\d+)")]
    private static partial Regex AddressInMessage();

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
