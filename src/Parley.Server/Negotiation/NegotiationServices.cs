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
    ILogger<C2sNegotiator> logger)
{
    /// <summary>RFC 6120 §6.4.5: a reasonable number of retries (2 to 5) before the stream is closed.</summary>
    public const int MaxAuthenticationAttempts = 5;

    public ParleyOptions Options { get; } = options.Value;

    public HostedDomains Domains { get; } = domains;

    public IAccountStore Accounts { get; } = accounts;

    /// <summary>The persisted secret SCRAM derives unknown users' fake salts from (RFC 5802 §9).</summary>
    public byte[] SaslSecret => secret.Value;

    public ISessionDirectory Sessions { get; } = sessions;

    public ModuleDispatcher Modules { get; } = modules;

    public ILogger Logger { get; } = logger;
}
