namespace Parley.Xmpp.Xml;

/// <summary>
/// Prefix bindings in scope (Namespaces in XML §6), pushed and popped with elements. A lookup is
/// one hash probe to the innermost binding of the prefix, never a scan of every binding in scope
/// (a peer declaring many prefixes on deep elements would otherwise make each lookup cost their
/// number); each binding remembers the one it shadows, restored when its element ends.
/// </summary>
internal sealed class NamespaceScope
{
    // Small at first: a stream binds two prefixes and a stanza seldom more than a few; both grow on demand.
    private Binding[] _bindings = new Binding[4];
    private int _count;
    private int[] _marks = new int[8];
    private int _depth;

    // Prefix → index in _bindings of its innermost binding. Prefixes come interned from the NameTable.
    private readonly Dictionary<string, int> _innermost = new(StringComparer.Ordinal);

    /// <summary>Bindings in scope, over every open element.</summary>
    public int Count => _count;

    /// <summary>Bindings declared by the innermost element.</summary>
    public int DeclaredByInnermost => _depth == 0 ? _count : _count - _marks[_depth - 1];

    public void Push()
    {
        if (_depth == _marks.Length)
        {
            Array.Resize(ref _marks, _marks.Length * 2);
        }

        _marks[_depth++] = _count;
    }

    public void Pop()
    {
        var mark = _marks[--_depth];
        for (var i = _count - 1; i >= mark; i--)
        {
            var binding = _bindings[i];
            if (binding.Shadowed < 0)
            {
                _innermost.Remove(binding.Prefix);
            }
            else
            {
                _innermost[binding.Prefix] = binding.Shadowed;
            }

            _bindings[i] = default;
        }

        _count = mark;
    }

    public void Clear()
    {
        Array.Clear(_bindings, 0, _count);
        _innermost.Clear();
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

        var shadowed = _innermost.TryGetValue(prefix, out var outer) ? outer : -1;
        _bindings[_count] = new Binding(prefix, uri, shadowed);
        _innermost[prefix] = _count++;
    }

    /// <summary>The namespace bound to <paramref name="prefix"/>; for "" with no declaration, no namespace ("").</summary>
    public string? Lookup(string prefix)
    {
        // Namespaces in XML §3: the xml prefix is bound by definition and may not be rebound.
        if (prefix == "xml")
        {
            return Namespaces.Xml;
        }

        if (_innermost.TryGetValue(prefix, out var index))
        {
            return _bindings[index].Uri;
        }

        return prefix.Length == 0 ? "" : null;
    }

    /// <param name="Shadowed">The index of the binding of the same prefix this one hides, or -1.</param>
    private readonly record struct Binding(string Prefix, string Uri, int Shadowed);
}
