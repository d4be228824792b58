using Cairn.Models.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Models.MLNet;

/// <summary>
/// A row mapper bound once to a reusable input row, as ML.NET's prediction engine does. Binding builds the getter
/// chain of every transformer, which costs more than scoring one row through a tree ensemble; here each call only
/// points the input row at new values. One caller at a time.
/// </summary>
internal sealed class BoundPredictor : IDisposable
{
    private readonly FrameRow _input;
    private readonly DataViewRow _output;
    private readonly DataViewReader.BoundReader _reader;

    public BoundPredictor(IRowToRowMapper mapper, DataViewSchema inputSchema, IReadOnlyList<DataViewSchema.Column> outputs)
    {
        _input = new FrameRow(inputSchema);
        var resolved = outputs.Select(c => mapper.OutputSchema[c.Index]).ToList();
        _output = mapper.GetRow(_input, resolved);
        _reader = new DataViewReader.BoundReader(_output, resolved);
    }

    public Frame Predict(Frame frame)
    {
        _reader.Reset();
        _input.Point(FrameDataView.Columns(_input.Schema, frame));
        try
        {
            for (var row = 0; row < frame.RowCount; row++)
            {
                _input.MoveTo(row);
                _reader.ReadRow();
            }

            return _reader.TakeFrame();
        }
        finally
        {
            _input.Point([]);
        }
    }

    public void Dispose()
    {
        _output.Dispose();
        _input.Dispose();
    }

    /// <summary>
    /// An input row over columns that change between calls. Its position only ever grows: ML.NET caches computed
    /// values per position, so a new row must never reuse an old one's.
    /// </summary>
    private sealed class FrameRow(DataViewSchema schema) : DataViewRow
    {
        private Array[] _columns = [];
        private int _row;
        private long _position = -1;

        public override DataViewSchema Schema => schema;

        public override long Position => _position;

        public override long Batch => 0;

        public void Point(Array[] columns) => _columns = columns;

        public void MoveTo(int row)
        {
            _row = row;
            _position++;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var index = column.Index;
            return (ref TValue value) => value = ((TValue[])_columns[index])[_row];
        }
    }
}
