namespace Parley.Server.Modules.PrivateStorage;

/// <summary>One stored element of an account's private XML, by qualified name; a null <paramref name="Xml"/> removes it.</summary>
internal sealed record PrivateXmlItem(string Name, string Namespace, string? Xml);
