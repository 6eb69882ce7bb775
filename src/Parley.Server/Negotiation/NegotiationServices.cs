using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Routing;
using Parley.Server.Sessions;

namespace Parley.Server.Negotiation;

/// <summary>The shared, stateless dependencies of every c2s negotiation (one instance per server).</summary>
internal sealed class NegotiationServices(
    IOptions<ParleyOptions> options,
    HostedDomains domains,
    ISaslAuthenticator sasl,
    ISessionDirectory sessions,
    ModuleDispatcher modules,
    ILogger<C2sNegotiator> logger)
{
    /// <summary>RFC 6120 §6.4.5: a reasonable number of retries (2 to 5) before the stream is closed.</summary>
    public const int MaxAuthenticationAttempts = 5;

    public ParleyOptions Options { get; } = options.Value;

    public HostedDomains Domains { get; } = domains;

    public ISaslAuthenticator Sasl { get; } = sasl;

    public ISessionDirectory Sessions { get; } = sessions;

    public ModuleDispatcher Modules { get; } = modules;

    public ILogger Logger { get; } = logger;
}
