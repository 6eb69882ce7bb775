namespace Parley.Xmpp.Xml;

/// <summary>
/// One attribute. <see cref="Namespace"/> is null for unprefixed attributes (which, per
/// Namespaces in XML, are in no namespace); <c>xml:lang</c> is stored with
/// <see cref="Namespaces.Xml"/> and the local name <c>lang</c>.
/// </summary>
public readonly record struct XmlAttribute(string Name, string Value, string? Namespace = null);
