using Microsoft.Extensions.Options;

namespace Parley.Server.Modules.Push;

/// <summary>Modules:Push:* at start: positive bounds, an interval of 0 or more.</summary>
internal sealed class PushOptionsValidator : IValidateOptions<PushOptions>
{
    public ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        var failures = new List<string>();
        if (options.MinIntervalSeconds < 0)
        {
            failures.Add($"Modules:Push:MinIntervalSeconds must be 0 or more (is {options.MinIntervalSeconds}).");
        }

        Positive("MaxRegistrationsPerAccount", options.MaxRegistrationsPerAccount);
        Positive("ReplyTimeoutSeconds", options.ReplyTimeoutSeconds);
        Positive("MaxErrors", options.MaxErrors);
        Positive("MaxPublishOptionsBytes", options.MaxPublishOptionsBytes);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(string key, int value)
        {
            if (value <= 0)
            {
                failures.Add($"Modules:Push:{key} must be positive (is {value}).");
            }
        }
    }
}
