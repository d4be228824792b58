using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Training.Evaluation;

/// <summary>Reads whole columns of a scored view into arrays, with errors that name the column and the type expected.</summary>
internal static class ScoredData
{
    public static DataViewSchema.Column Require(IDataView data, string name, string role)
    {
        var column = data.Schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The scored data has no {role} column '{name}'. Columns: {string.Join(", ", data.Schema.Select(c => c.Name))}.");
        return column;
    }

    public static bool[] Booleans(IDataView data, string name, string role)
    {
        var column = Require(data, name, role);
        if (column.Type != BooleanDataViewType.Instance)
        {
            throw new ArgumentException($"The {role} column '{name}' must be Boolean for binary classification, not {column.Type}.");
        }

        return Read<bool>(data, column).ToArray();
    }

    /// <summary>Single or Double columns, widened to double.</summary>
    public static double[] Numbers(IDataView data, string name, string role)
    {
        var column = Require(data, name, role);
        if (column.Type == NumberDataViewType.Single)
        {
            return Read<float>(data, column).Select(v => (double)v).ToArray();
        }

        if (column.Type == NumberDataViewType.Double)
        {
            return Read<double>(data, column).ToArray();
        }

        throw new ArgumentException($"The {role} column '{name}' must be Single or Double, not {column.Type}.");
    }

    /// <summary>Key columns as zero-based class indexes; -1 marks a missing key.</summary>
    public static int[] ClassIndexes(IDataView data, string name, string role)
    {
        var column = Require(data, name, role);
        if (column.Type is not KeyDataViewType { RawType: var raw } || raw != typeof(uint))
        {
            throw new ArgumentException($"The {role} column '{name}' must be a key column (map labels with MapValueToKey), not {column.Type}.");
        }

        return Read<uint>(data, column).Select(k => (int)k - 1).ToArray();
    }

    /// <summary>The class names of a key column, from its key-values annotation, or 0..n-1 when it has none.</summary>
    public static string[] ClassLabels(DataViewSchema.Column column)
    {
        int count = (int)((KeyDataViewType)column.Type).Count;
        var annotation = column.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (annotation is not { Type: VectorDataViewType { ItemType: var itemType } })
        {
            return Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }

        return itemType.RawType switch
        {
            var t when t == typeof(ReadOnlyMemory<char>) => KeyValues<ReadOnlyMemory<char>>(column, v => v.ToString()),
            var t when t == typeof(float) => KeyValues<float>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            var t when t == typeof(double) => KeyValues<double>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            var t when t == typeof(int) => KeyValues<int>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            var t when t == typeof(uint) => KeyValues<uint>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            var t when t == typeof(long) => KeyValues<long>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            var t when t == typeof(bool) => KeyValues<bool>(column, v => v ? "true" : "false"),
            _ => Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(),
        };
    }

    private static string[] KeyValues<T>(DataViewSchema.Column column, Func<T, string> format)
    {
        VBuffer<T> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(format).ToArray();
    }

    private static List<T> Read<T>(IDataView data, DataViewSchema.Column column)
    {
        var values = new List<T>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(value);
        }

        return values;
    }
}
