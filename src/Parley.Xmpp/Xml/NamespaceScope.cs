namespace Parley.Xmpp.Xml;

/// <summary>Prefix bindings in scope (Namespaces in XML §6), pushed and popped with elements.</summary>
internal sealed class NamespaceScope
{
    // Small at first: a stream binds two prefixes and a stanza seldom more than a few; both grow on demand.
    private (string Prefix, string Uri)[] _bindings = new (string, string)[4];
    private int _count;
    private int[] _marks = new int[8];
    private int _depth;

    public void Push()
    {
        if (_depth == _marks.Length)
        {
            Array.Resize(ref _marks, _marks.Length * 2);
        }

        _marks[_depth++] = _count;
    }

    public void Pop() => _count = _marks[--_depth];

    public void Clear()
    {
        Array.Clear(_bindings, 0, _count);
        _count = 0;
        _depth = 0;
    }

    /// <summary>Binds <paramref name="prefix"/> ("" for the default namespace) in the innermost scope.</summary>
    public void Declare(string prefix, string uri)
    {
        if (_count == _bindings.Length)
        {
            Array.Resize(ref _bindings, _bindings.Length * 2);
        }

        _bindings[_count++] = (prefix, uri);
    }

    /// <summary>The namespace bound to <paramref name="prefix"/>; for "" with no declaration, no namespace ("").</summary>
    public string? Lookup(string prefix)
    {
        // Namespaces in XML §3: the xml prefix is bound by definition and may not be rebound.
        if (prefix == "xml")
        {
            return Namespaces.Xml;
        }

        for (var i = _count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_bindings[i].Prefix, prefix) || _bindings[i].Prefix == prefix)
            {
                return _bindings[i].Uri;
            }
        }

        return prefix.Length == 0 ? "" : null;
    }
}
