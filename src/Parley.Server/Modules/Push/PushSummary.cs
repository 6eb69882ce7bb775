namespace Parley.Server.Modules.Push;

/// <summary>XEP-0357 §7's summary of what a device missed: message-count, pending-subscription-count, last-message-sender, last-message-body.</summary>
internal readonly record struct PushSummary(int Messages, int Subscriptions, string? LastSender, string? LastBody);
