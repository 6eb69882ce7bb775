using Microsoft.Extensions.Hosting;
using Parley.Server.Routing;

namespace Parley.Server.Hosting;

/// <summary>
/// Builds the module tables in the host's Starting phase, before any listener opens: a duplicate
/// IQ or stream-element key stops the start instead of failing the first client, and every
/// singleton the modules take (the delivery path among them) exists by then.
/// </summary>
internal sealed class ModuleStartup(ModuleDispatcher modules) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        modules.Build();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
