namespace Parley.Server.Modules;

/// <summary>A XEP-0030 identity a module contributes to the server's disco#info.</summary>
internal readonly record struct DiscoIdentity(string Category, string Type, string? Name = null);
