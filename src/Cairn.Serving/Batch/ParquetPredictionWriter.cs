using Cairn.Models.Data;
using Parquet;
using Parquet.Schema;

namespace Cairn.Serving.Batch;

/// <summary>Predictions as Parquet, one row group per chunk; the schema is fixed by the first chunk.</summary>
public sealed class ParquetPredictionWriter(string path) : IPredictionWriter
{
    private readonly FileStream _file = new(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
    private ParquetWriter? _writer;
    private DataField[] _fields = [];
    private string[]? _names;

    public async Task WriteAsync(OutputChunk chunk, IReadOnlyList<string> keptNames, CancellationToken cancellationToken)
    {
        if (chunk.Rows.Length == 0)
        {
            return;
        }

        var names = OutputLayout.Names(chunk, keptNames);
        OutputLayout.CheckSame(_names, names);
        if (_writer is null)
        {
            _names = names;
            _fields =
            [
                new DataField<long>(OutputLayout.RowColumn),
                .. keptNames.Select(n => new DataField<string>(n, true)),
                .. chunk.Columns.Select(c => Field(c.Name, c.Type)),
            ];
            _writer = await ParquetWriter.CreateAsync(new ParquetSchema(_fields), _file, cancellationToken: cancellationToken);
        }

        using var group = _writer.CreateRowGroup();
        await group.WriteAsync(_fields[0], (ReadOnlyMemory<long>)chunk.Rows, null, null, cancellationToken);
        for (var k = 0; k < chunk.Kept.Count; k++)
        {
            await group.WriteAsync(_fields[1 + k], chunk.Kept[k]!, null);
        }

        for (var c = 0; c < chunk.Columns.Count; c++)
        {
            await WriteColumnAsync(group, _fields[1 + chunk.Kept.Count + c], chunk.Columns[c].Values, cancellationToken);
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            _fields = [new DataField<long>(OutputLayout.RowColumn)];
            _writer = await ParquetWriter.CreateAsync(new ParquetSchema(_fields), _file, cancellationToken: cancellationToken);
        }

        await _writer.DisposeAsync();
        _writer = null;
        await _file.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        await _file.DisposeAsync();
    }

    private static DataField Field(string name, DataType type) => type switch
    {
        DataType.Float => new DataField<float>(name),
        DataType.Double => new DataField<double>(name),
        DataType.Integer => new DataField<int>(name),
        DataType.Long => new DataField<long>(name),
        DataType.Boolean => new DataField<bool>(name),
        DataType.DateTime => new DataField<DateTime>(name),
        DataType.Binary => new DataField<byte[]>(name, true),
        _ => new DataField<string>(name, true),
    };

    private static Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, Array values, CancellationToken cancellationToken) => values switch
    {
        float[] f => group.WriteAsync(field, (ReadOnlyMemory<float>)f, null, null, cancellationToken),
        double[] d => group.WriteAsync(field, (ReadOnlyMemory<double>)d, null, null, cancellationToken),
        int[] i => group.WriteAsync(field, (ReadOnlyMemory<int>)i, null, null, cancellationToken),
        long[] l => group.WriteAsync(field, (ReadOnlyMemory<long>)l, null, null, cancellationToken),
        bool[] b => group.WriteAsync(field, (ReadOnlyMemory<bool>)b, null, null, cancellationToken),
        DateTime[] t => group.WriteAsync(field, (ReadOnlyMemory<DateTime>)t, null, null, cancellationToken),
        byte[][] bytes => group.WriteAsync(field, bytes, null),
        string?[] s => group.WriteAsync(field, s!, null),
        _ => group.WriteAsync(field, values.Cast<object?>().Select(v => v?.ToString()).ToArray()!, null),
    };
}
