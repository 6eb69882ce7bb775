using Microsoft.Extensions.Options;

namespace Parley.Server.Modules.StreamManagement;

/// <summary>Modules:Sm:* at start: a resumption time of 0 or more, positive bounds.</summary>
internal sealed class StreamManagementOptionsValidator : IValidateOptions<StreamManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamManagementOptions options)
    {
        var failures = new List<string>();
        if (options.ResumptionSeconds < 0)
        {
            failures.Add($"Modules:Sm:ResumptionSeconds must be 0 (no resumption) or more; it is {options.ResumptionSeconds}.");
        }

        Positive("MaxUnacked", options.MaxUnacked);
        Positive("RequestAfterStanzas", options.RequestAfterStanzas);
        Positive("RequestAfterSeconds", options.RequestAfterSeconds);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(string key, int value)
        {
            if (value <= 0)
            {
                failures.Add($"Modules:Sm:{key} must be positive (is {value}).");
            }
        }
    }
}
