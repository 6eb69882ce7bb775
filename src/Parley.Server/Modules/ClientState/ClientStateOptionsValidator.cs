using Microsoft.Extensions.Options;

namespace Parley.Server.Modules.ClientState;

/// <summary>Modules:Csi:* at start: the hold must have room.</summary>
internal sealed class ClientStateOptionsValidator : IValidateOptions<ClientStateOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientStateOptions options) =>
        options.MaxHeld > 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail($"Modules:Csi:MaxHeld must be positive (is {options.MaxHeld}).");
}
