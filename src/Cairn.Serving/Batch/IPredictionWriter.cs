namespace Cairn.Serving.Batch;

/// <summary>Writes predictions chunk by chunk: a <c>row</c> column (the input row number), kept columns, then outputs.</summary>
public interface IPredictionWriter : IAsyncDisposable
{
    Task WriteAsync(OutputChunk chunk, IReadOnlyList<string> keptNames, CancellationToken cancellationToken);

    /// <summary>Flushes and closes the file; without it the file may be incomplete.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}

internal static class OutputLayout
{
    public const string RowColumn = "row";

    /// <summary>The column names of a chunk; every chunk of one file must have the same ones.</summary>
    public static string[] Names(OutputChunk chunk, IReadOnlyList<string> keptNames) =>
        [RowColumn, .. keptNames, .. chunk.Columns.Select(c => c.Name)];

    public static void CheckSame(string[]? expected, string[] actual)
    {
        if (expected is not null && !expected.SequenceEqual(actual, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"The model returned columns {string.Join(", ", actual)} for one chunk and {string.Join(", ", expected)} for another.");
        }
    }
}
