using Microsoft.Extensions.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Hosting;

/// <summary>
/// Prepares what the listeners depend on in the host's Starting phase, so a broken database or
/// certificate stops the start instead of failing the first client: brings the schema up to
/// date and loads (or on first start generates) the TLS certificate and the server secret.
/// </summary>
internal sealed class CoreStartup(SqlDatabase database, CertificateProvider certificates, ServerSecret secret) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        _ = certificates.GetCertificate();
        _ = secret.Value;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
