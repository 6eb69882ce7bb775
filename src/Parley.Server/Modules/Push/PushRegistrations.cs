using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Diagnostics;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Push;

/// <summary>
/// Every account's push registrations: stored (<see cref="IPushStore"/>, so they survive a restart)
/// and kept in memory, read once at start, so deciding whether a message needs a notification reads
/// no database (an account without registrations costs one dictionary lookup). At most
/// Modules:Push:MaxRegistrationsPerAccount per account: enabling one more forgets the oldest.
/// </summary>
internal sealed class PushRegistrations(IPushStore store, IOptions<PushOptions> options, ILogger<PushRegistrations> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Jid, PushDevice[]> _byAccount = new();

    // Changes are rare (enable, disable, an app server's refusal): one writer at a time keeps each
    // account's array and the store in step; readers take the array as it is.
    private readonly SemaphoreSlim _write = new(1, 1);

    /// <summary>The account's registrations (empty when none).</summary>
    public PushDevice[] Of(Jid account) => _byAccount.TryGetValue(account.Bare, out var devices) ? devices : [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var group in (await store.LoadAllAsync(cancellationToken).ConfigureAwait(false)).GroupBy(r => r.Account.Bare))
            {
                _byAccount[group.Key] = [.. group.OrderBy(r => r.EnabledAt).Select(r => new PushDevice(r))];
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PushLog.LoadFailed(logger, e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Adds a registration, or replaces the one with the same app server and node (XEP-0357 §5: a
    /// client enables again at each login); returns its run-time state.
    /// </summary>
    public async Task<PushDevice> EnableAsync(PushRegistration registration, CancellationToken cancellationToken)
    {
        var account = registration.Account.Bare;
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var kept = Of(account).Where(d => !SameKey(d.Registration, registration.AppServer, registration.Node)).ToList();
            while (kept.Count >= options.Value.MaxRegistrationsPerAccount)
            {
                var oldest = kept[0];
                await store.RemoveAsync(account, oldest.Registration.AppServer, oldest.Registration.Node, cancellationToken).ConfigureAwait(false);
                kept.RemoveAt(0);
            }

            await store.SaveAsync(registration, cancellationToken).ConfigureAwait(false);
            var device = new PushDevice(registration);
            kept.Add(device);
            _byAccount[account] = [.. kept];
            return device;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>XEP-0357 §6: removes the registrations with that app server, one node or (null) all of them.</summary>
    public async Task DisableAsync(Jid account, Jid appServer, string? node, CancellationToken cancellationToken)
    {
        account = account.Bare;
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await store.RemoveAsync(account, appServer, node, cancellationToken).ConfigureAwait(false);
            var kept = Of(account).Where(d => !(d.Registration.AppServer.Equals(appServer) && (node is null || d.Registration.Node == node))).ToArray();
            if (kept.Length == 0)
            {
                _byAccount.TryRemove(account, out _);
            }
            else
            {
                _byAccount[account] = kept;
            }
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Whether this run-time state is still a registration of its account (not disabled or replaced since).</summary>
    public bool IsCurrent(PushDevice device) => Array.IndexOf(Of(device.Registration.Account), device) >= 0;

    private static bool SameKey(PushRegistration registration, Jid appServer, string node) =>
        registration.AppServer.Equals(appServer) && registration.Node == node;
}
