namespace Cairn.Quality.Payloads;

/// <summary>
/// One predicted row from a payload log: when and by which model it was answered, its input features and the model's
/// outputs, each as text cells (typed later against a baseline, exactly like CSV cells). Null is a missing value.
/// </summary>
public sealed record PayloadRow(
    DateTimeOffset Time,
    string Model,
    string? Version,
    IReadOnlyList<KeyValuePair<string, string?>> Inputs,
    IReadOnlyList<KeyValuePair<string, string?>> Outputs);

/// <summary>A time window over payload records: <see cref="Since"/> inclusive, <see cref="Until"/> exclusive; null is open.</summary>
public sealed record PayloadWindow(DateTimeOffset? Since = null, DateTimeOffset? Until = null)
{
    public static readonly PayloadWindow All = new();

    public bool Contains(DateTimeOffset time) => (Since is not { } since || time >= since) && (Until is not { } until || time < until);

    /// <summary>Whether the window meets [start, end): lets a reader skip an hourly file without opening it.</summary>
    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => (Since is not { } since || end > since) && (Until is not { } until || start < until);
}

/// <summary>
/// Reads one payload file format. The JSONL files <c>cairn serve --payload-log</c> writes are one format; Parquet payload
/// files (one row per prediction, feature columns by name) another; a new format is one more implementation.
/// </summary>
public interface IPayloadFileReader
{
    /// <summary>Whether this reader handles the file (by its name).</summary>
    bool CanRead(string path);

    /// <summary>The predicted rows of the file whose time is in the window, in file order.</summary>
    IAsyncEnumerable<PayloadRow> ReadAsync(string path, PayloadWindow window, PayloadReadStats stats, CancellationToken cancellationToken);
}

/// <summary>What a read skipped, and why: the report names it, so a half-empty window is not mistaken for clean data.</summary>
public sealed class PayloadReadStats
{
    public int Files { get; set; }

    public long Records { get; set; }

    /// <summary>Records answered with an error status: no prediction was made.</summary>
    public long FailedRequests { get; set; }

    /// <summary>Records whose request carries no column names (a bare tensor) or does not parse.</summary>
    public long UnreadableRequests { get; set; }

    /// <summary>Records whose response could not be matched row by row with the request.</summary>
    public long UnreadableResponses { get; set; }
}
