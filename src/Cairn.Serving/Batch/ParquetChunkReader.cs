using Parquet;
using Parquet.Schema;

namespace Cairn.Serving.Batch;

/// <summary>
/// Streams a Parquet file a row group at a time (a row group is the unit Parquet stores and compresses), handing out
/// chunks of at most the requested size from the group in memory.
/// </summary>
public sealed class ParquetChunkReader : IChunkReader
{
    private readonly FileStream _file;
    private readonly ParquetReader _reader;
    private readonly Dictionary<string, DataField> _fields;
    private int _nextGroup;
    private Dictionary<string, ParquetCells>? _group;
    private int _groupRows;
    private int _groupOffset;
    private long _nextRow = 1;

    private ParquetChunkReader(FileStream file, ParquetReader reader)
    {
        _file = file;
        _reader = reader;
        _fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name, StringComparer.Ordinal);
        Columns = [.. reader.Schema.GetDataFields().Select(f => f.Name)];
    }

    public IReadOnlyList<string> Columns { get; }

    public (long Read, long Total) Position => (_reader.RowGroupCount == 0 ? _file.Length : _file.Length * _nextGroup / _reader.RowGroupCount, _file.Length);

    public static async Task<ParquetChunkReader> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: false);
        try
        {
            var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
            var nested = reader.Schema.GetDataFields().FirstOrDefault(f => f.IsArray || f.Path.Length > 1);
            if (nested is not null)
            {
                await reader.DisposeAsync();
                throw new InvalidDataException($"Parquet column '{nested.Name}' is nested or repeated; batch prediction reads flat columns.");
            }

            return new ParquetChunkReader(file, reader);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public async ValueTask<InputChunk?> ReadAsync(BatchInputPlan plan, int maxRows, CancellationToken cancellationToken)
    {
        while (_group is null || _groupOffset >= _groupRows)
        {
            if (_nextGroup >= _reader.RowGroupCount)
            {
                return null;
            }

            await LoadGroupAsync(plan, _nextGroup++, cancellationToken);
        }

        var count = Math.Min(maxRows, _groupRows - _groupOffset);
        var chunk = new InputChunk(plan, _nextRow, count) { RowCount = count };
        for (var f = 0; f < plan.Fields.Count; f++)
        {
            var field = plan.Fields[f];
            var cells = _group[field.Name];
            for (var r = 0; r < count; r++)
            {
                if (!chunk.Failed[r] && !cells.TryStore(_groupOffset + r, field.Type, chunk.Fields[f], r, out var error))
                {
                    chunk.Fail(r, $"column '{field.Name}': {error}");
                }
            }
        }

        for (var k = 0; k < plan.Keep.Count; k++)
        {
            var cells = _group[plan.Keep[k]];
            for (var r = 0; r < count; r++)
            {
                chunk.Kept[k][r] = cells.Text(_groupOffset + r);
            }
        }

        chunk.Errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        _groupOffset += count;
        _nextRow += count;
        return chunk;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _file.DisposeAsync();
    }

    private async Task LoadGroupAsync(BatchInputPlan plan, int index, CancellationToken cancellationToken)
    {
        using var group = _reader.OpenRowGroupReader(index);
        var rows = checked((int)group.RowCount);
        var loaded = new Dictionary<string, ParquetCells>(StringComparer.Ordinal);
        foreach (var name in plan.Fields.Select(f => f.Name).Concat(plan.Keep).Distinct())
        {
            loaded[name] = await ParquetCells.ReadAsync(group, _fields[name], rows, cancellationToken);
        }

        _group = loaded;
        _groupRows = rows;
        _groupOffset = 0;
    }
}
