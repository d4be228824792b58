using Cairn.Models.Data;

namespace Cairn.Serving.Batch;

/// <summary>A row that could not be read or predicted; 1-based, counting data rows (the CSV header is not a row).</summary>
public sealed record RowError(long Row, string Message);

/// <summary>
/// A run of consecutive input rows read into typed arrays, one per plan field (in plan order), plus the kept columns
/// as text. Rows that failed to read are marked and explained; their cells hold defaults.
/// </summary>
public sealed class InputChunk
{
    public InputChunk(BatchInputPlan plan, long firstRow, int capacity)
    {
        FirstRow = firstRow;
        Fields = plan.Fields.Select(f => Array.CreateInstance(f.Type.ClrType(), capacity)).ToArray();
        Kept = plan.Keep.Select(_ => new string?[capacity]).ToArray();
        Failed = new bool[capacity];
    }

    /// <summary>1-based number of the chunk's first row.</summary>
    public long FirstRow { get; }

    public int RowCount { get; set; }

    public Array[] Fields { get; }

    public string?[][] Kept { get; }

    public bool[] Failed { get; }

    public List<RowError> Errors { get; } = [];

    public int FailedCount => Errors.Count;

    public void Fail(int row, string message)
    {
        if (!Failed[row])
        {
            Failed[row] = true;
            Errors.Add(new RowError(FirstRow + row, message));
        }
    }
}
