using Microsoft.Extensions.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Hosting;

/// <summary>
/// Brings the database schema up to date in the host's Starting phase, so no listener accepts a
/// connection before the tables exist and a broken database stops the start.
/// </summary>
internal sealed class DatabaseStartup(SqlDatabase database) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
