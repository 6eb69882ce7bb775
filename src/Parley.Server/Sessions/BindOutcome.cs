namespace Parley.Server.Sessions;

internal readonly record struct BindOutcome(BindStatus Status, ClientSession? Replaced = null);
