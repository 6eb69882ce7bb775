using Microsoft.Extensions.Options;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Modules.Upload;

/// <summary>Refuses Modules:Upload:* values that cannot work, at start, naming the key.</summary>
internal sealed class UploadOptionsValidator : IValidateOptions<UploadOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadOptions options)
    {
        var failures = new List<string>();
        if (!Jid.TryCreate(null, options.Subdomain + ".example", null, out _) || options.Subdomain.Contains('.', StringComparison.Ordinal))
        {
            failures.Add($"Modules:Upload:Subdomain '{options.Subdomain}' is not one DNS label.");
        }

        if (options.MaxFileBytes <= 0 || options.QuotaBytesPerUser <= 0)
        {
            failures.Add("Modules:Upload:MaxFileBytes and Modules:Upload:QuotaBytesPerUser must be greater than 0.");
        }

        if (options.RetentionDays is < 1 or > 36500)
        {
            failures.Add($"Modules:Upload:RetentionDays is {options.RetentionDays}; it must be 1 to 36500.");
        }

        if (options.SlotSeconds is < 1 or > 86400)
        {
            failures.Add($"Modules:Upload:SlotSeconds is {options.SlotSeconds}; it must be 1 to 86400.");
        }

        if (options.MaxPendingSlotsPerUser < 1)
        {
            failures.Add($"Modules:Upload:MaxPendingSlotsPerUser is {options.MaxPendingSlotsPerUser}; it must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
