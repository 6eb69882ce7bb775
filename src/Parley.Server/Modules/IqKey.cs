namespace Parley.Server.Modules;

/// <summary>The exact key an IQ handler is found by: type (get/set), payload name and namespace.</summary>
internal readonly record struct IqKey(string Type, string Name, string Namespace);
