namespace Parley.Server.Modules;

/// <summary>What a stream feature contribution may depend on.</summary>
internal readonly record struct StreamFeatureContext(string Domain, bool IsSecure);
