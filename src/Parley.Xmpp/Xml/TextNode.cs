namespace Parley.Xmpp.Xml;

/// <summary>Character data, held unescaped; the writer escapes it.</summary>
public sealed class TextNode(string value) : Node
{
    public string Value { get; } = value;

    public override Node Clone() => new TextNode(Value);
}
