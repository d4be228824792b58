using Cairn.Models.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Models.MLNet;

/// <summary>
/// A <see cref="Frame"/> seen as an ML.NET <see cref="IDataView"/> with the model's input schema. Each column is
/// converted once, up front, to the type the model expects; a column the frame lacks (a label, say) reads as default.
/// </summary>
public sealed class FrameDataView : IDataView
{
    private readonly Array[] _columns;

    public FrameDataView(DataViewSchema schema, Frame frame)
    {
        Schema = schema;
        RowCount = frame.RowCount;
        _columns = Columns(schema, frame);
    }

    /// <summary>Every column of <paramref name="schema"/> from the frame, converted to the type ML.NET reads.</summary>
    internal static Array[] Columns(DataViewSchema schema, Frame frame)
    {
        var columns = new Array[schema.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = Source(schema[i], frame.Find(schema[i].Name), frame.RowCount);
        }

        return columns;
    }

    /// <summary>A view whose schema follows the frame's own column types.</summary>
    public static FrameDataView Create(Frame frame)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in frame.Columns)
        {
            DataViewType item = column.Type switch
            {
                DataType.Float => NumberDataViewType.Single,
                DataType.Double => NumberDataViewType.Double,
                DataType.Integer => NumberDataViewType.Int32,
                DataType.Long => NumberDataViewType.Int64,
                DataType.Boolean => BooleanDataViewType.Instance,
                DataType.String => TextDataViewType.Instance,
                DataType.DateTime => DateTimeDataViewType.Instance,
                _ => throw new NotSupportedException($"Column '{column.Name}' of type {column.Type.WireName()} has no ML.NET type."),
            };
            if (column.IsArray)
            {
                if (column.Type != DataType.Float)
                {
                    throw new NotSupportedException($"Array column '{column.Name}' must hold floats for ML.NET.");
                }

                var width = column.Length == 0 ? 0 : ((Array)column.Values.GetValue(0)!).Length;
                item = new VectorDataViewType(NumberDataViewType.Single, width);
            }

            builder.AddColumn(column.Name, item);
        }

        return new FrameDataView(builder.ToSchema(), frame);
    }

    public DataViewSchema Schema { get; }

    public int RowCount { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => RowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    /// <summary>The whole column, converted, as a typed array; the cursor's getters index into it.</summary>
    private static Array Source(DataViewSchema.Column target, Column? column, int rowCount)
    {
        var type = target.Type;
        object converted = type switch
        {
            VectorDataViewType vector when vector.ItemType.RawType == typeof(float) => ConvertVectors(target, column, vector.Size, rowCount),
            _ when type.RawType == typeof(float) => Convert(column, v => System.Convert.ToSingle(v, System.Globalization.CultureInfo.InvariantCulture), 0f),
            _ when type.RawType == typeof(double) => Convert(column, v => System.Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture), 0d),
            _ when type.RawType == typeof(bool) => Convert(column, v => v is string s ? bool.Parse(s) : System.Convert.ToBoolean(v, System.Globalization.CultureInfo.InvariantCulture), false),
            _ when type.RawType == typeof(int) => Convert(column, v => System.Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture), 0),
            _ when type.RawType == typeof(long) => Convert(column, v => System.Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture), 0L),
            _ when type.RawType == typeof(ReadOnlyMemory<char>) => Convert(column, v => (System.Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").AsMemory(), ReadOnlyMemory<char>.Empty),
            _ when type.RawType == typeof(DateTime) => Convert(column, v => System.Convert.ToDateTime(v, System.Globalization.CultureInfo.InvariantCulture), default(DateTime)),
            _ => throw new NotSupportedException($"Input column '{target.Name}' has ML.NET type {type}, which a frame cannot supply."),
        };
        return (Array)converted;

        T[] Convert<T>(Column? source, Func<object, T> convert, T missing)
        {
            if (source?.Values is T[] typed && typed.Length == rowCount)
            {
                return typed; // Already the type ML.NET reads: no copy, no boxing.
            }

            var values = new T[rowCount];
            if (source is null)
            {
                Array.Fill(values, missing);
                return values;
            }

            for (var i = 0; i < values.Length; i++)
            {
                var value = source[i];
                try
                {
                    values[i] = value is null ? missing : value is T same ? same : convert(value);
                }
                catch (Exception error) when (error is FormatException or InvalidCastException or OverflowException)
                {
                    throw new FormatException($"Column '{source.Name}' row {i}: '{value}' cannot be read as {target.Type}.", error);
                }
            }

            return values;
        }
    }

    private static VBuffer<float>[] ConvertVectors(DataViewSchema.Column target, Column? column, int size, int rowCount)
    {
        if (column is null)
        {
            return Enumerable.Range(0, rowCount).Select(_ => new VBuffer<float>(size, new float[size])).ToArray();
        }

        var values = new VBuffer<float>[column.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var items = column[i] switch
            {
                float[] f => f,
                double[] d => Array.ConvertAll(d, x => (float)x),
                Array a => a.Cast<object>().Select(x => System.Convert.ToSingle(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                null => new float[size],
                var other => throw new FormatException($"Column '{column.Name}' row {i}: expected an array of {size} numbers, found {other}."),
            };
            if (size > 0 && items.Length != size)
            {
                throw new FormatException($"Column '{target.Name}' row {i}: expected {size} values, found {items.Length}.");
            }

            values[i] = new VBuffer<float>(items.Length, items);
        }

        return values;
    }

    private sealed class Cursor(FrameDataView view) : DataViewRowCursor
    {
        private int _row = -1;

        public override long Position => _row;

        public override long Batch => 0;

        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext() => ++_row < view.RowCount;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_row, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var values = (TValue[])view._columns[column.Index];
            return (ref TValue value) => value = values[_row];
        }
    }
}
