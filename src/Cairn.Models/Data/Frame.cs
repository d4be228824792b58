namespace Cairn.Models.Data;

/// <summary>Rows as named, typed columns: what column-based models take and return.</summary>
public sealed class Frame
{
    private readonly Dictionary<string, Column> _byName;

    public Frame(IReadOnlyList<Column> columns)
    {
        _byName = new Dictionary<string, Column>(columns.Count, StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!_byName.TryAdd(column.Name, column))
            {
                throw new ArgumentException($"Column '{column.Name}' appears twice.");
            }

            if (column.Length != columns[0].Length)
            {
                throw new ArgumentException($"Columns have different lengths: {string.Join(", ", columns.Select(c => $"{c.Name}={c.Length}"))}.");
            }
        }

        Columns = columns;
        RowCount = columns.Count == 0 ? 0 : columns[0].Length;
    }

    public IReadOnlyList<Column> Columns { get; }

    public int RowCount { get; }

    public Column? Find(string name) => _byName.GetValueOrDefault(name);

    public Column this[string name] => Find(name) ?? throw new KeyNotFoundException($"No column '{name}'.");

    /// <summary>The first <paramref name="count"/> rows (for input examples).</summary>
    public Frame Head(int count)
    {
        var n = Math.Min(count, RowCount);
        return new Frame(Columns.Select(c =>
        {
            var values = Array.CreateInstance(c.Values.GetType().GetElementType()!, n);
            Array.Copy(c.Values, values, n);
            return new Column(c.Name, c.Type, values, c.IsArray);
        }).ToList());
    }

    /// <summary>Row-wise view: one dictionary per row.</summary>
    public IEnumerable<IReadOnlyDictionary<string, object?>> Rows()
    {
        for (var row = 0; row < RowCount; row++)
        {
            var values = new Dictionary<string, object?>(Columns.Count, StringComparer.Ordinal);
            foreach (var column in Columns)
            {
                values[column.Name] = column[row];
            }

            yield return values;
        }
    }
}
