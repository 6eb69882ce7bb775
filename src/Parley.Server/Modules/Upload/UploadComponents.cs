using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Http;
using Parley.Server.Routing;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Upload;

/// <summary>
/// One <see cref="UploadService"/> per hosted domain, on &lt;Modules:Upload:Subdomain&gt;.&lt;domain&gt;,
/// when the module is on and the HTTP server is (Http:Port or Http:TlsPort): slots name URLs on it.
/// </summary>
internal sealed class UploadComponents : IComponentSet
{
    private readonly Dictionary<string, UploadService> _services = new(StringComparer.Ordinal);
    private readonly HashSet<string> _localDomains;
    private StanzaDelivery? _delivery;

    public UploadComponents(IOptions<ParleyOptions> options, IOptions<UploadOptions> upload, UploadStore store, PublicUrls urls)
    {
        Store = store;
        Urls = urls;
        var server = options.Value;
        _localDomains = new HashSet<string>(server.Domains.Select(d => Jid.Create(null, d).Domain), StringComparer.Ordinal);
        if (upload.Value.Enabled && (server.Http.Port != 0 || server.Http.TlsPort != 0))
        {
            foreach (var domain in _localDomains)
            {
                var service = Jid.Create(null, upload.Value.Subdomain + "." + domain).Domain;
                _services[service] = new UploadService(service, domain, this);
            }
        }
    }

    public IEnumerable<IComponentHandler> Components => _services.Values;

    public UploadStore Store { get; }

    public PublicUrls Urls { get; }

    public StanzaDelivery Delivery => _delivery ?? throw new InvalidOperationException("The upload module was not started.");

    public void Attach(StanzaDelivery delivery) => _delivery = delivery;

    public bool IsLocalDomain(string domain) => _localDomains.Contains(domain);
}
