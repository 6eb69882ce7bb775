namespace Parley.Xmpp.Xml;

/// <summary>A child of an <see cref="Element"/>: another element or a run of character data.</summary>
public abstract class Node
{
    private protected Node()
    {
    }

    /// <summary>A deep copy, detached from any parent.</summary>
    public abstract Node Clone();
}
