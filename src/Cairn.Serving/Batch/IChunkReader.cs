namespace Cairn.Serving.Batch;

/// <summary>Reads an input file a chunk of rows at a time, so memory stays bounded whatever the file's size.</summary>
public interface IChunkReader : IAsyncDisposable
{
    /// <summary>The file's column names, in file order.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>Bytes read so far and the file's length, for progress.</summary>
    (long Read, long Total) Position { get; }

    /// <summary>The next chunk of at most <paramref name="maxRows"/> rows, or null at the end of the file.</summary>
    ValueTask<InputChunk?> ReadAsync(BatchInputPlan plan, int maxRows, CancellationToken cancellationToken);
}
