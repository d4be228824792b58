namespace Cairn.Core.Tracking.Bulk;

/// <summary>
/// The tracking store's bulk port: finds the runs of a selection and changes a batch of them in one transaction,
/// reporting per run what was done or why not, with the state it had before.
/// </summary>
public interface IBulkRunStore
{
    /// <summary>The runs the filter matches with a key above <paramref name="afterKey"/>, in key order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<BulkRunRef>> ListMatchingAsync(BulkFilter filter, long afterKey, int limit, CancellationToken cancellationToken);

    Task<long> CountMatchingAsync(BulkFilter filter, CancellationToken cancellationToken);

    /// <summary>The runs among <paramref name="ids"/> that exist.</summary>
    Task<IReadOnlyList<BulkRunRef>> FindRunsAsync(IReadOnlyList<RunId> ids, CancellationToken cancellationToken);

    /// <summary>Deletes (soft) or restores each run; a run already in that stage is skipped.</summary>
    Task<IReadOnlyList<BulkRunResult>> SetStageAsync(IReadOnlyList<RunId> runs, LifecycleStage stage, CancellationToken cancellationToken);

    /// <summary>Sets (or, for a null value, removes) tag <paramref name="key"/> on each active run.</summary>
    Task<IReadOnlyList<BulkRunResult>> SetTagAsync(string key, IReadOnlyList<RunTagValue> values, CancellationToken cancellationToken);

    /// <summary>
    /// Moves each run to its target experiment, which must be active. The run keeps its artifact location; its metric
    /// summaries, the key catalogue and both experiments' run counts and activity follow it.
    /// </summary>
    Task<IReadOnlyList<BulkRunResult>> MoveAsync(IReadOnlyList<RunMove> moves, CancellationToken cancellationToken);
}
