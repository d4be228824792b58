namespace Cairn.Core.Tracking.Bulk;

/// <summary>Counts a bulk action's per-run results as batches finish, keeping the changed runs for the undo.</summary>
internal sealed class BulkTally
{
    private const int ExamplesPerReason = 5;

    private readonly Dictionary<(BulkOutcome, string), (long Count, List<RunId> Examples)> _reasons = [];

    public long Matched { get; set; }

    public long Done { get; private set; }

    public long Skipped { get; private set; }

    public long Failed { get; private set; }

    public List<BulkRunResult> Changed { get; } = [];

    public void Add(BulkRunResult result)
    {
        switch (result.Outcome)
        {
            case BulkOutcome.Done:
                Done++;
                Changed.Add(result);
                return;
            case BulkOutcome.Skipped:
                Skipped++;
                break;
            default:
                Failed++;
                break;
        }

        var key = (result.Outcome, result.Reason ?? "");
        var (count, examples) = _reasons.TryGetValue(key, out var seen) ? seen : (0, []);
        if (examples.Count < ExamplesPerReason)
        {
            examples.Add(result.RunId);
        }

        _reasons[key] = (count + 1, examples);
    }

    public void AddRange(IEnumerable<BulkRunResult> results)
    {
        foreach (var result in results)
        {
            Add(result);
        }
    }

    public BulkReport Report(BulkAction action, bool isUndo, string? undoToken, DateTimeOffset? undoUntil) => new(
        action, isUndo, Matched, Done, Skipped, Failed,
        [.. _reasons.OrderByDescending(r => r.Value.Count).Select(r => new BulkReasonCount(r.Key.Item1, r.Key.Item2, r.Value.Count, r.Value.Examples))],
        undoToken, undoUntil);
}
