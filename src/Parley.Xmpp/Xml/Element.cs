namespace Parley.Xmpp.Xml;

/// <summary>
/// A namespace-resolved XML element: the unit the parser emits (one stanza at a time) and the
/// writer serializes. Prefixes are not kept; the writer chooses its own declarations.
/// </summary>
public sealed class Element : Node
{
    private List<XmlAttribute>? _attributes;
    private List<Node>? _nodes;

    public Element(string name, string ns)
    {
        Name = name;
        Namespace = ns;
    }

    /// <summary>The local name.</summary>
    public string Name { get; }

    /// <summary>The namespace name ("" for no namespace).</summary>
    public string Namespace { get; }

    public IReadOnlyList<XmlAttribute> Attributes => (IReadOnlyList<XmlAttribute>?)_attributes ?? [];

    public IReadOnlyList<Node> Nodes => (IReadOnlyList<Node>?)_nodes ?? [];

    public bool Is(string name, string ns) => Name == name && Namespace == ns;

    /// <summary>The value of an attribute in no namespace, or null.</summary>
    public string? GetAttribute(string name) => GetAttribute(name, null);

    public string? GetAttribute(string name, string? ns)
    {
        if (_attributes is null)
        {
            return null;
        }

        foreach (var a in _attributes)
        {
            if (a.Name == name && a.Namespace == ns)
            {
                return a.Value;
            }
        }

        return null;
    }

    /// <summary>Sets, replaces or (with a null value) removes an attribute.</summary>
    public Element SetAttribute(string name, string? value, string? ns = null)
    {
        _attributes ??= [];
        for (var i = 0; i < _attributes.Count; i++)
        {
            if (_attributes[i].Name == name && _attributes[i].Namespace == ns)
            {
                if (value is null)
                {
                    _attributes.RemoveAt(i);
                }
                else
                {
                    _attributes[i] = new XmlAttribute(name, value, ns);
                }

                return this;
            }
        }

        if (value is not null)
        {
            _attributes.Add(new XmlAttribute(name, value, ns));
        }

        return this;
    }

    /// <summary>Adds an attribute without looking for an existing one; the parser has already refused duplicates.</summary>
    internal void AppendAttribute(XmlAttribute attribute) => (_attributes ??= []).Add(attribute);

    public string? Lang => GetAttribute("lang", Namespaces.Xml);

    public Element Add(Node node)
    {
        (_nodes ??= []).Add(node);
        return this;
    }

    public Element AddText(string text) => text.Length == 0 ? this : Add(new TextNode(text));

    /// <summary>Adds a child element in the given namespace (the parent's when omitted) and returns the child.</summary>
    public Element AddElement(string name, string? ns = null)
    {
        var child = new Element(name, ns ?? Namespace);
        Add(child);
        return child;
    }

    public bool Remove(Node node) => _nodes?.Remove(node) ?? false;

    public void RemoveAll() => _nodes?.Clear();

    public IEnumerable<Element> Children()
    {
        if (_nodes is null)
        {
            yield break;
        }

        foreach (var n in _nodes)
        {
            if (n is Element e)
            {
                yield return e;
            }
        }
    }

    public IEnumerable<Element> Children(string name, string ns) => Children().Where(e => e.Name == name && e.Namespace == ns);

    public Element? Child(string name, string ns)
    {
        if (_nodes is null)
        {
            return null;
        }

        foreach (var n in _nodes)
        {
            if (n is Element e && e.Name == name && e.Namespace == ns)
            {
                return e;
            }
        }

        return null;
    }

    public Element? FirstElement => _nodes?.OfType<Element>().FirstOrDefault();

    public int ElementCount => _nodes?.Count(n => n is Element) ?? 0;

    /// <summary>The concatenated character data directly inside this element.</summary>
    public string Text
    {
        get
        {
            if (_nodes is null)
            {
                return "";
            }

            if (_nodes.Count == 1 && _nodes[0] is TextNode only)
            {
                return only.Value;
            }

            return string.Concat(_nodes.OfType<TextNode>().Select(t => t.Value));
        }
    }

    /// <summary>The text of a child element, or null when there is no such child.</summary>
    public string? ChildText(string name, string ns) => Child(name, ns)?.Text;

    public override Element Clone()
    {
        var copy = new Element(Name, Namespace);
        if (_attributes is not null)
        {
            copy._attributes = [.. _attributes];
        }

        if (_nodes is not null)
        {
            copy._nodes = new List<Node>(_nodes.Count);
            foreach (var n in _nodes)
            {
                copy._nodes.Add(n.Clone());
            }
        }

        return copy;
    }

    /// <summary>Serialized XML with every namespace declared, for logs and tests.</summary>
    public override string ToString() => ElementWriter.ToXml(this);
}
