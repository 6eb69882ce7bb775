namespace Parley.Server.Storage;

/// <summary>How a column's values travel between engines (SQLite keeps booleans as integers, PostgreSQL does not).</summary>
internal enum StorageColumnKind
{
    Text,
    Integer,
    Boolean,
    Bytes,
}

internal sealed record StorageColumn(string Name, StorageColumnKind Kind, bool IsIdentity);

/// <summary>An application table as the engine describes it, read at run time so that a table a later migration adds is copied without code here.</summary>
internal sealed record StorageTable(string Name, IReadOnlyList<StorageColumn> Columns)
{
    /// <summary>
    /// Orders tables so that each comes after the tables its foreign keys reference (copying fills
    /// parents first, clearing empties children first). Ties keep name order, so the result is stable.
    /// </summary>
    public static IReadOnlyList<StorageTable> InDependencyOrder(IReadOnlyList<(StorageTable Table, IReadOnlyCollection<string> Parents)> tables)
    {
        var ordered = new List<StorageTable>(tables.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var remaining = tables.OrderBy(t => t.Table.Name, StringComparer.Ordinal).ToList();
        while (remaining.Count > 0)
        {
            var ready = remaining.FindIndex(t => t.Parents.All(p => p == t.Table.Name || placed.Contains(p) || !tables.Any(o => o.Table.Name == p)));
            if (ready < 0)
            {
                throw new InvalidOperationException($"The foreign keys between tables {string.Join(", ", remaining.Select(t => t.Table.Name))} form a cycle.");
            }

            ordered.Add(remaining[ready].Table);
            placed.Add(remaining[ready].Table.Name);
            remaining.RemoveAt(ready);
        }

        return ordered;
    }

    /// <summary>The name quoted as an SQL identifier (both engines use double quotes).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
