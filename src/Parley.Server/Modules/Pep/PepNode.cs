namespace Parley.Server.Modules.Pep;

/// <summary>A node of an account's PEP service and its configuration.</summary>
internal sealed record PepNode(string Name, NodeConfig Config);
