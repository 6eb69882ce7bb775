using Microsoft.Extensions.Options;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Hosting;

/// <summary>
/// Fills defaults that depend on other values and normalises what was bound, before
/// <see cref="ParleyOptionsValidator"/> runs: empty list entries (how a command-line list blanks
/// the longer list of a file) are dropped, Domains defaults to localhost and holds prepared
/// names, DataDirectory becomes absolute.
/// </summary>
internal sealed class ParleyOptionsSetup : IPostConfigureOptions<ParleyOptions>
{
    public const string DefaultDomain = "localhost";

    public void PostConfigure(string? name, ParleyOptions options)
    {
        options.Domains.RemoveAll(string.IsNullOrWhiteSpace);
        options.Bind.RemoveAll(string.IsNullOrWhiteSpace);
        if (options.Domains.Count == 0)
        {
            options.Domains.Add(DefaultDomain);
        }

        for (var i = 0; i < options.Domains.Count; i++)
        {
            // RFC 7622 §3.2: compare domains in prepared form. An invalid name is left as written
            // for the validator to report by name.
            if (TryPrepareDomain(options.Domains[i], out var prepared))
            {
                options.Domains[i] = prepared;
            }
        }

        if (!string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        }
    }

    /// <summary>The domainpart preparation of RFC 7622 §3.2; an invalid name comes back as written.</summary>
    public static bool TryPrepareDomain(string domain, out string prepared)
    {
        if (Precis.TryPrepareDomain(domain.Trim(), out var result))
        {
            prepared = result;
            return true;
        }

        prepared = domain;
        return false;
    }
}
