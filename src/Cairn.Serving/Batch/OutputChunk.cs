namespace Cairn.Serving.Batch;

/// <summary>Predictions for the rows of one input chunk that could be read and predicted, with their row numbers.</summary>
public sealed record OutputChunk(long[] Rows, IReadOnlyList<OutputColumn> Columns, IReadOnlyList<string?[]> Kept, IReadOnlyList<RowError> Errors);
