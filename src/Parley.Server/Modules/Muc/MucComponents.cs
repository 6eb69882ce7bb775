using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Routing;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Muc;

/// <summary>
/// One <see cref="MucService"/> per hosted domain, on &lt;Muc:Subdomain&gt;.&lt;domain&gt; (none when
/// the Muc module is switched off: Modules:Muc:Enabled, or Muc:Enabled). At start, after the schema migrated, the stored persistent rooms come back.
/// </summary>
internal sealed class MucComponents : IComponentSet, IHostedService
{
    private readonly MucRuntime _runtime;
    private readonly Dictionary<string, MucService> _services = new(StringComparer.Ordinal);

    public MucComponents(IOptions<ParleyOptions> options, IOptionsMonitor<ModuleOptions> modules, MucRuntime runtime)
    {
        _runtime = runtime;
        if (modules.Get(MucModule.Name).Enabled)
        {
            foreach (var domain in runtime.LocalDomains)
            {
                var service = Jid.Create(null, options.Value.Muc.Subdomain + "." + domain).Domain;
                _services[service] = new MucService(service, runtime);
            }
        }
    }

    public IEnumerable<IComponentHandler> Components => _services.Values;

    public IReadOnlyCollection<MucService> Services => _services.Values;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_services.Count == 0)
        {
            return;
        }

        foreach (var (jid, xml) in await _runtime.Store.LoadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            // A room of a service no longer configured (a removed domain or subdomain) stays stored, unused.
            if (Jid.TryParse(jid, out var room) && _services.TryGetValue(room.Domain, out var service))
            {
                service.Restore(RoomSnapshot.Read(room, xml, _runtime.Environment));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
