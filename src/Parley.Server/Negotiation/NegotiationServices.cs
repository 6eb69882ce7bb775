using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Server.Storage;

namespace Parley.Server.Negotiation;

/// <summary>The shared, stateless dependencies of every c2s negotiation (one instance per server).</summary>
internal sealed class NegotiationServices(
    IOptions<ParleyOptions> options,
    HostedDomains domains,
    IAccountStore accounts,
    ISessionDirectory sessions,
    ModuleDispatcher modules,
    ServerSecret secret,
    AuthThrottle authThrottle,
    ILogger<C2sNegotiator> logger)
{
    public ParleyOptions Options { get; } = options.Value;

    public HostedDomains Domains { get; } = domains;

    public IAccountStore Accounts { get; } = accounts;

    /// <summary>The persisted secret SCRAM derives unknown users' fake salts from (RFC 5802 §9).</summary>
    public byte[] SaslSecret => secret.Value;

    public ISessionDirectory Sessions { get; } = sessions;

    public ModuleDispatcher Modules { get; } = modules;

    public ILogger Logger { get; } = logger;

    /// <summary>Delays failed authentications per source address and account (Limits:AuthFailuresBeforeDelay).</summary>
    public AuthThrottle AuthThrottle { get; } = authThrottle;
}
