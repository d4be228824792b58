using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Cairn.Core.Tracking.Bulk;

/// <summary>What an undo needs: the action, the tag key it set, and exactly the runs it changed with their previous state.</summary>
public sealed record BulkUndoRecord(BulkAction Action, string? TagKey, IReadOnlyList<BulkRunResult> Changed, DateTimeOffset Until);

/// <summary>
/// Undo records of reversible bulk actions, held in this process for the undo window. A record is taken once: an undo
/// cannot be replayed, and one that arrives after the window finds nothing.
/// </summary>
public sealed class BulkUndoLog(TimeProvider time, BulkRunOptions options)
{
    private readonly ConcurrentDictionary<string, BulkUndoRecord> _records = new(StringComparer.Ordinal);

    public (string Token, DateTimeOffset Until) Add(BulkAction action, string? tagKey, IReadOnlyList<BulkRunResult> changed)
    {
        var now = time.GetUtcNow();
        foreach (var (token, record) in _records)
        {
            if (record.Until <= now)
            {
                _records.TryRemove(token, out _);
            }
        }

        var until = now + options.UndoWindow;
        var newToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _records[newToken] = new BulkUndoRecord(action, tagKey, changed, until);
        return (newToken, until);
    }

    public BulkUndoRecord Take(string token)
    {
        if (!_records.TryRemove(token, out var record) || record.Until <= time.GetUtcNow())
        {
            throw CairnException.NotFound(
                $"Nothing to undo for token '{token}': the undo window of {options.UndoWindow.TotalSeconds:0} s has passed, or it was already undone.");
        }

        return record;
    }
}
