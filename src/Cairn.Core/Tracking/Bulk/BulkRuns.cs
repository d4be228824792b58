using Cairn.Core.Search;

namespace Cairn.Core.Tracking.Bulk;

public enum BulkAction
{
    Tag,
    Move,
    Delete,
    Restore,
    Purge,
}

/// <summary>Every run a search matches: the runs table's filter over some experiments, in one lifecycle view.</summary>
public sealed record BulkFilter(IReadOnlyList<ExperimentId> ExperimentIds, IReadOnlyList<Comparison> Filter, ViewType ViewType);

/// <summary>The runs a bulk action applies to: explicit ids (a selection) or a whole filter result; exactly one is set.</summary>
public sealed record BulkSelection(IReadOnlyList<RunId>? RunIds, BulkFilter? Filter)
{
    public static BulkSelection Of(IReadOnlyList<RunId> runIds) => new(runIds, null);

    public static BulkSelection Of(BulkFilter filter) => new(null, filter);
}

/// <summary>
/// One bulk action. <paramref name="Tag"/> is for <see cref="BulkAction.Tag"/>, <paramref name="TargetExperiment"/> for
/// <see cref="BulkAction.Move"/>. <paramref name="ExpectedCount"/> is the count the user confirmed in the preview: when
/// given, the action is refused if the selection no longer holds that many runs; a purge requires it.
/// </summary>
public sealed record BulkRequest(BulkAction Action, BulkSelection Selection, KeyValue? Tag = null, ExperimentId? TargetExperiment = null, long? ExpectedCount = null);

/// <summary>A run as a bulk action finds it: enough to decide what to do and where its artifacts are.</summary>
public sealed record BulkRunRef(long RunKey, RunId RunId, ExperimentId ExperimentId, LifecycleStage Stage, string ArtifactUri);

public enum BulkOutcome
{
    Done,
    Skipped,
    Failed,
}

/// <summary>
/// What happened to one run, with the state it had before when the action changed it (the undo puts that back):
/// the tag's previous value (null when it was unset) or the experiment it was moved from.
/// </summary>
public sealed record BulkRunResult(RunId RunId, BulkOutcome Outcome, string? Reason = null, string? PreviousTag = null, ExperimentId? PreviousExperiment = null)
{
    public static BulkRunResult NotFound(RunId id) => new(id, BulkOutcome.Failed, "run not found");
}

/// <summary>A run and the tag value to give it (null removes the tag).</summary>
public readonly record struct RunTagValue(RunId RunId, string? Value);

/// <summary>A run and the experiment to move it to.</summary>
public readonly record struct RunMove(RunId RunId, ExperimentId Target);

/// <summary>Skipped or failed runs grouped by reason, with a few of their ids.</summary>
public sealed record BulkReasonCount(BulkOutcome Outcome, string Reason, long Count, IReadOnlyList<RunId> Examples);

/// <summary>
/// The result of a bulk action or of its undo. <paramref name="UndoToken"/> is set while the action can be undone
/// (until <paramref name="UndoUntil"/>); a purge, an undo and an action that changed nothing have none.
/// </summary>
public sealed record BulkReport(
    BulkAction Action,
    bool IsUndo,
    long Matched,
    long Done,
    long Skipped,
    long Failed,
    IReadOnlyList<BulkReasonCount> Reasons,
    string? UndoToken,
    DateTimeOffset? UndoUntil);

/// <summary>
/// What a bulk action would touch. Artifact sizes are not kept in the database, so <paramref name="ArtifactBytes"/> is
/// summed from the artifact store's listing of each run's folder, for the first <paramref name="SizedRuns"/> runs;
/// when that is fewer than <paramref name="Runs"/> the total is a lower bound.
/// </summary>
public sealed record BulkPreview(long Runs, long ArtifactBytes, long SizedRuns)
{
    public bool SizeIsPartial => SizedRuns < Runs;
}

/// <summary>Limits of bulk actions (configuration section <c>Bulk</c>).</summary>
public sealed class BulkRunOptions
{
    public const string Section = "Bulk";

    /// <summary>How long a reversible action can be undone.</summary>
    public TimeSpan UndoWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs changed per transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>The most explicit run ids one request may name; larger sets are selected by filter.</summary>
    public int MaxRunIds { get; set; } = 10_000;

    /// <summary>The most runs whose artifact folders a preview lists to total their size.</summary>
    public int MaxSizedRuns { get; set; } = 2_000;
}
