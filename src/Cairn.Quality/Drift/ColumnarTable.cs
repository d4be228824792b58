namespace Cairn.Quality.Drift;

/// <summary>How a column is compared: as numbers, or as category labels.</summary>
public enum ColumnKind
{
    Numeric,
    Categorical,
}

/// <summary>One column of a <see cref="ColumnarTable"/>.</summary>
public abstract class DataColumn(string name)
{
    public string Name { get; } = name;

    public abstract ColumnKind Kind { get; }

    public abstract int Length { get; }
}

/// <summary>A numeric column; NaN marks a missing value (±∞ are stored as NaN: the reference drops them before any test).</summary>
public sealed class NumericColumn : DataColumn
{
    private readonly double[] _values;

    public NumericColumn(string name, double[] values, int? length = null) : base(name)
    {
        _values = values;
        Length = length ?? values.Length;
    }

    public override ColumnKind Kind => ColumnKind.Numeric;

    public override int Length { get; }

    public ReadOnlySpan<double> Values => _values.AsSpan(0, Length);
}

/// <summary>A categorical column, dictionary-encoded: a code per row into <see cref="Categories"/>, −1 for missing.</summary>
public sealed class CategoricalColumn : DataColumn
{
    private readonly int[] _codes;

    public CategoricalColumn(string name, int[] codes, IReadOnlyList<string> categories, int? length = null) : base(name)
    {
        _codes = codes;
        Categories = categories;
        Length = length ?? codes.Length;
    }

    public override ColumnKind Kind => ColumnKind.Categorical;

    public override int Length { get; }

    public ReadOnlySpan<int> Codes => _codes.AsSpan(0, Length);

    public IReadOnlyList<string> Categories { get; }

    /// <summary>From one string per row; null, empty and the usual missing markers are missing.</summary>
    public static CategoricalColumn FromValues(string name, IReadOnlyList<string?> values)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var categories = new List<string>();
        var codes = new int[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (value is null || MissingValues.IsMissing(value))
            {
                codes[i] = -1;
                continue;
            }

            if (!index.TryGetValue(value, out int code))
            {
                code = categories.Count;
                index[value] = code;
                categories.Add(value);
            }

            codes[i] = code;
        }

        return new CategoricalColumn(name, codes, categories);
    }
}

/// <summary>Column-oriented data: the form drift statistics are computed on.</summary>
public sealed class ColumnarTable
{
    private readonly Dictionary<string, DataColumn> _byName;

    public ColumnarTable(IReadOnlyList<DataColumn> columns)
    {
        if (columns.Count > 0 && columns.Any(c => c.Length != columns[0].Length))
        {
            throw new ArgumentException("Every column of a table must have the same length.");
        }

        Columns = columns;
        _byName = new Dictionary<string, DataColumn>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            _byName.TryAdd(column.Name, column);
        }
    }

    public IReadOnlyList<DataColumn> Columns { get; }

    public int RowCount => Columns.Count == 0 ? 0 : Columns[0].Length;

    public DataColumn? this[string name] => _byName.GetValueOrDefault(name);
}

/// <summary>The text values read as missing (trimmed): the same list the training jobs use.</summary>
public static class MissingValues
{
    private static readonly HashSet<string> Markers = new(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"], StringComparer.Ordinal);
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> SpanMarkers = Markers.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool IsMissing(ReadOnlySpan<char> text)
    {
        // Fast exits for the common cases (a number, a word): every marker is at most 4 characters once trimmed.
        if (text.Length == 0)
        {
            return true;
        }

        if (text.Length > 4 && !char.IsWhiteSpace(text[0]) && !char.IsWhiteSpace(text[^1]))
        {
            return false;
        }

        return SpanMarkers.Contains(text.Trim());
    }

    public static bool IsMissing(string text) => IsMissing(text.AsSpan());
}
