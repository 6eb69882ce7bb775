using System.Net;
using Microsoft.Extensions.Options;

namespace Parley.Server.Hosting;

/// <summary>
/// Refuses a configuration that cannot work, at start and naming the key, rather than failing at
/// the first connection. Runs after <see cref="ParleyOptionsSetup"/>.
/// </summary>
internal sealed class ParleyOptionsValidator : IValidateOptions<ParleyOptions>
{
    public ValidateOptionsResult Validate(string? name, ParleyOptions options)
    {
        var failures = new List<string>();
        ValidateDomains(options, failures);

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("DataDirectory must not be empty.");
        }

        ValidatePort(nameof(ParleyOptions.C2sPort), options.C2sPort, failures);
        ValidatePort(nameof(ParleyOptions.C2sTlsPort), options.C2sTlsPort, failures);
        if (options.C2sPort != 0 && options.C2sPort == options.C2sTlsPort)
        {
            failures.Add($"C2sPort and C2sTlsPort are both {options.C2sPort}; give each listener its own port (0 disables one).");
        }

        for (var i = 0; i < options.Bind.Count; i++)
        {
            if (!IPAddress.TryParse(options.Bind[i], out _))
            {
                failures.Add($"Bind:{i} '{options.Bind[i]}' is not an IPv4 or IPv6 address.");
            }
        }

        ValidateTls(options.Tls, failures);

        if (!string.Equals(options.Storage.Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Storage:Provider '{options.Storage.Provider}' is not supported; use 'sqlite'.");
        }

        ValidatePositive("Storage:BusyTimeoutSeconds", options.Storage.BusyTimeoutSeconds, failures);
        ValidatePositive("Limits:MaxStanzaBytes", options.Limits.MaxStanzaBytes, failures);
        ValidatePositive("Limits:MaxDepth", options.Limits.MaxDepth, failures);
        ValidatePositive("Limits:NegotiationTimeoutSeconds", options.Limits.NegotiationTimeoutSeconds, failures);
        ValidatePositive("Limits:OutboundQueueLength", options.Limits.OutboundQueueLength, failures);
        ValidatePositive("Limits:MaxResourcesPerAccount", options.Limits.MaxResourcesPerAccount, failures);
        ValidatePositive("Limits:MaxOfflineMessages", options.Limits.MaxOfflineMessages, failures);
        ValidatePositive("Limits:MaxBlocklistItems", options.Limits.MaxBlocklistItems, failures);
        ValidatePositive("Limits:MaxVCardBytes", options.Limits.MaxVCardBytes, failures);
        ValidatePositive("Limits:MaxPrivateXmlBytes", options.Limits.MaxPrivateXmlBytes, failures);
        ValidatePositive("Limits:MaxRosterItems", options.Limits.MaxRosterItems, failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateDomains(ParleyOptions options, List<string> failures)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Domains.Count; i++)
        {
            var domain = options.Domains[i];
            if (!ParleyOptionsSetup.TryPrepareDomain(domain, out var prepared))
            {
                failures.Add($"Domains:{i} '{domain}' is not a valid domain name (RFC 7622 §3.2).");
            }
            else if (!seen.Add(prepared))
            {
                failures.Add($"Domains:{i} '{domain}' is listed more than once.");
            }
        }
    }

    private static void ValidateTls(TlsOptions tls, List<string> failures)
    {
        if (tls.CertificatePath.Length == 0)
        {
            if (tls.KeyPath.Length != 0)
            {
                failures.Add("Tls:KeyPath is set but Tls:CertificatePath is not.");
            }

            return;
        }

        if (!File.Exists(tls.CertificatePath))
        {
            failures.Add($"Tls:CertificatePath '{tls.CertificatePath}' does not exist.");
        }

        if (tls.KeyPath.Length != 0 && !File.Exists(tls.KeyPath))
        {
            failures.Add($"Tls:KeyPath '{tls.KeyPath}' does not exist.");
        }
    }

    private static void ValidatePort(string key, int port, List<string> failures)
    {
        if (port is < 0 or > 65535)
        {
            failures.Add($"{key} {port} is not a port number (0 to 65535, 0 disables the listener).");
        }
    }

    private static void ValidatePositive(string key, int value, List<string> failures)
    {
        if (value <= 0)
        {
            failures.Add($"{key} must be greater than 0 (is {value}).");
        }
    }
}
