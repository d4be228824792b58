using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Training.Explain;

/// <summary>
/// A data view held in memory as one array per column, so single columns can be replaced by shuffled copies.
/// Holds scalar Single, Double, Int32, Int64, Boolean and String (text) columns.
/// </summary>
internal sealed class InMemoryTable : IDataView
{
    private static readonly Type[] Supported = [typeof(float), typeof(double), typeof(int), typeof(long), typeof(bool), typeof(ReadOnlyMemory<char>)];

    private readonly Array[] _columns;

    private InMemoryTable(DataViewSchema schema, Array[] columns, int rowCount)
    {
        Schema = schema;
        _columns = columns;
        RowCount = rowCount;
    }

    public DataViewSchema Schema { get; }

    public int RowCount { get; }

    public bool CanShuffle => false;

    public static InMemoryTable Load(IDataView data)
    {
        var visible = data.Schema.Where(c => !c.IsHidden).ToArray();
        var unsupported = visible.Where(c => c.Type is KeyDataViewType || c.Type is VectorDataViewType || !Supported.Contains(c.Type.RawType)).ToArray();
        if (unsupported.Length > 0)
        {
            throw new ArgumentException(
                "Permutation importance works on raw scalar columns (Single, Double, Int32, Int64, Boolean, String); unsupported: "
                + string.Join(", ", unsupported.Select(c => $"{c.Name} ({c.Type})")) + ".");
        }

        var builder = new DataViewSchema.Builder();
        foreach (var column in visible)
        {
            builder.AddColumn(column.Name, column.Type);
        }

        var lists = visible.Select(c => ValueList.For(c.Type.RawType)).ToArray();
        using (var cursor = data.GetRowCursor(visible))
        {
            var readers = visible.Select((c, i) => lists[i].Reader(cursor, c)).ToArray();
            while (cursor.MoveNext())
            {
                foreach (var read in readers)
                {
                    read();
                }
            }
        }

        var columns = lists.Select(l => l.ToArray()).ToArray();
        return new InMemoryTable(builder.ToSchema(), columns, columns.Length == 0 ? 0 : columns[0].Length);
    }

    /// <summary>The same table with the values of one column reordered by <paramref name="permutation"/>.</summary>
    public InMemoryTable WithPermutedColumn(int columnIndex, int[] permutation)
    {
        var source = _columns[columnIndex];
        var permuted = Array.CreateInstance(source.GetType().GetElementType()!, source.Length);
        for (int row = 0; row < permutation.Length; row++)
        {
            permuted.SetValue(source.GetValue(permutation[row]), row);
        }

        var columns = (Array[])_columns.Clone();
        columns[columnIndex] = permuted;
        return new InMemoryTable(Schema, columns, RowCount);
    }

    public long? GetRowCount() => RowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(InMemoryTable table) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => table.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext() => ++_position < table.RowCount;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (table._columns[column.Index] is not TValue[] values)
            {
                throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}, not {typeof(TValue).Name}.");
            }

            return (ref TValue value) => value = values[_position];
        }
    }

    /// <summary>A growable list of one column's values, typed by the column.</summary>
    private abstract class ValueList
    {
        public static ValueList For(Type type) => (ValueList)Activator.CreateInstance(typeof(ValueList<>).MakeGenericType(type))!;

        public abstract Action Reader(DataViewRowCursor cursor, DataViewSchema.Column column);

        public abstract Array ToArray();
    }

    private sealed class ValueList<T> : ValueList
    {
        private readonly List<T> _values = [];

        public override Action Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            var getter = cursor.GetGetter<T>(column);
            return () =>
            {
                T value = default!;
                getter(ref value);
                _values.Add(value);
            };
        }

        public override Array ToArray() => _values.ToArray();
    }
}
