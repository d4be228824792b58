using Cairn.Models.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Models.MLNet;

/// <summary>Reads chosen columns of an ML.NET <see cref="IDataView"/> into a <see cref="Frame"/>.</summary>
public static class DataViewReader
{
    /// <summary>Every column of the view (hidden ones left out), all rows: pass a small view, e.g. from <c>TakeRows</c>.</summary>
    public static Frame Read(IDataView view) => Read(view, view.Schema.Where(c => !c.IsHidden).ToList());

    public static Frame Read(IDataView view, IReadOnlyList<DataViewSchema.Column> columns)
    {
        var collectors = columns.Select(CollectorFor).ToList();
        using (var cursor = view.GetRowCursor(columns))
        {
            var readers = collectors.Select(c => c.Bind(cursor)).ToList();
            while (cursor.MoveNext())
            {
                foreach (var read in readers)
                {
                    read();
                }
            }
        }

        return new Frame(collectors.Select(c => c.ToColumn()).ToList());
    }

    /// <summary>Readers bound once to a row whose getters stay valid while it moves, such as a mapper's output row.</summary>
    internal sealed class BoundReader
    {
        private readonly ColumnCollector[] _collectors;
        private readonly Action[] _readers;

        public BoundReader(DataViewRow row, IReadOnlyList<DataViewSchema.Column> columns)
        {
            _collectors = columns.Select(CollectorFor).ToArray();
            _readers = _collectors.Select(c => c.Bind(row)).ToArray();
        }

        /// <summary>Reads the current row of every column; call once per row.</summary>
        public void ReadRow()
        {
            foreach (var read in _readers)
            {
                read();
            }
        }

        /// <summary>Forgets rows read by a call that failed part way.</summary>
        public void Reset()
        {
            foreach (var collector in _collectors)
            {
                collector.Clear();
            }
        }

        /// <summary>The rows read so far as a frame; the reader starts empty again.</summary>
        public Frame TakeFrame()
        {
            var columns = new Column[_collectors.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                columns[i] = _collectors[i].TakeColumn();
            }

            return new Frame(columns);
        }
    }

    private static ColumnCollector CollectorFor(DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is KeyDataViewType)
        {
            return MlNetTypes.HasTextKeyValues(column) ? new KeyTextCollector(column) : new Collector<uint, long>(column, DataType.Long, k => k);
        }

        if (type is VectorDataViewType vector)
        {
            return vector.ItemType.RawType == typeof(float) ? new VectorCollector<float>(column, DataType.Float)
                : vector.ItemType.RawType == typeof(double) ? new VectorCollector<double>(column, DataType.Double)
                : throw new NotSupportedException($"Output column '{column.Name}' is a vector of {vector.ItemType}, which cannot be returned.");
        }

        var raw = type.RawType;
        return raw == typeof(float) ? new Collector<float, float>(column, DataType.Float, v => v)
            : raw == typeof(double) ? new Collector<double, double>(column, DataType.Double, v => v)
            : raw == typeof(bool) ? new Collector<bool, bool>(column, DataType.Boolean, v => v)
            : raw == typeof(int) ? new Collector<int, int>(column, DataType.Integer, v => v)
            : raw == typeof(long) ? new Collector<long, long>(column, DataType.Long, v => v)
            : raw == typeof(uint) ? new Collector<uint, long>(column, DataType.Long, v => v)
            : raw == typeof(ReadOnlyMemory<char>) ? new Collector<ReadOnlyMemory<char>, string?>(column, DataType.String, v => v.ToString())
            : throw new NotSupportedException($"Output column '{column.Name}' has ML.NET type {type}, which cannot be returned.");
    }

    private abstract class ColumnCollector
    {
        public abstract Action Bind(DataViewRow cursor);

        public abstract Column ToColumn();

        public Column TakeColumn()
        {
            var column = ToColumn();
            Clear();
            return column;
        }

        public abstract void Clear();
    }

    private sealed class Collector<TRaw, TOut>(DataViewSchema.Column column, DataType type, Func<TRaw, TOut> convert) : ColumnCollector
    {
        private readonly List<TOut> _values = [];

        public override Action Bind(DataViewRow cursor)
        {
            var getter = cursor.GetGetter<TRaw>(column);
            TRaw value = default!;
            return () =>
            {
                getter(ref value);
                _values.Add(convert(value));
            };
        }

        public override Column ToColumn() => new(column.Name, type, _values.ToArray());

        public override void Clear() => _values.Clear();
    }

    private sealed class VectorCollector<T>(DataViewSchema.Column column, DataType type) : ColumnCollector
    {
        private readonly List<T[]> _values = [];

        public override Action Bind(DataViewRow cursor)
        {
            var getter = cursor.GetGetter<VBuffer<T>>(column);
            VBuffer<T> value = default;
            return () =>
            {
                getter(ref value);
                _values.Add(value.DenseValues().ToArray());
            };
        }

        public override Column ToColumn() => new(column.Name, type, _values.ToArray(), isArray: true);

        public override void Clear() => _values.Clear();
    }

    /// <summary>A key column (e.g. a multiclass PredictedLabel) read back as the class names the model learned.</summary>
    private sealed class KeyTextCollector(DataViewSchema.Column column) : ColumnCollector
    {
        private readonly List<string?> _values = [];

        public override Action Bind(DataViewRow cursor)
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.Annotations.GetValue(MlNetTypes.KeyValues, ref names);
            var text = names.DenseValues().Select(n => n.ToString()).ToArray();
            var getter = cursor.GetGetter<uint>(column);
            uint key = 0;
            return () =>
            {
                getter(ref key);
                _values.Add(key == 0 || key > text.Length ? null : text[key - 1]);
            };
        }

        public override Column ToColumn() => new(column.Name, DataType.String, _values.ToArray());

        public override void Clear() => _values.Clear();
    }
}
