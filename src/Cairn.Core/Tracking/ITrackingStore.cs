using Cairn.Core.Search;

namespace Cairn.Core.Tracking;

public sealed record ExperimentQuery(
    IReadOnlyList<Comparison> Filter,
    IReadOnlyList<OrderTerm> OrderBy,
    ViewType ViewType,
    int MaxResults,
    long Offset);

public sealed record RunQuery(
    IReadOnlyList<ExperimentId> ExperimentIds,
    IReadOnlyList<Comparison> Filter,
    IReadOnlyList<OrderTerm> OrderBy,
    ViewType ViewType,
    int MaxResults,
    long Offset)
{
    /// <summary>Which of each run's data to read; all of it unless a page needs less.</summary>
    public RunParts Parts { get; init; } = RunParts.All;
}

/// <summary>
/// Parts of a run's data a search can read. A page that plots params and metrics over 10,000 runs skips the tags,
/// inputs and models it would not show.
/// </summary>
[Flags]
public enum RunParts
{
    Metrics = 1,
    Params = 2,
    Tags = 4,
    Inputs = 8,
    Models = 16,
    All = Metrics | Params | Tags | Inputs | Models,
}

public sealed record MetricHistoryQuery(RunId RunId, string Key, int MaxResults, long Offset);

public sealed record BulkIntervalQuery(IReadOnlyList<RunId> RunIds, string Key, long? StartStep, long? EndStep, int MaxResults);

/// <summary>
/// The tracking store port. Implementations hold MLflow's semantics: latest metric per key,
/// write-once params, soft deletes that cascade from experiments to runs, atomic batches.
/// </summary>
public interface ITrackingStore
{
    Task<ExperimentId> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken);

    Task<Experiment?> GetExperimentAsync(ExperimentId id, CancellationToken cancellationToken);

    Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken);

    Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken cancellationToken);

    Task DeleteExperimentAsync(ExperimentId id, CancellationToken cancellationToken);

    Task RestoreExperimentAsync(ExperimentId id, CancellationToken cancellationToken);

    Task RenameExperimentAsync(ExperimentId id, string newName, CancellationToken cancellationToken);

    Task SetExperimentTagAsync(ExperimentId id, KeyValue tag, CancellationToken cancellationToken);

    Task<Run> CreateRunAsync(NewRun run, CancellationToken cancellationToken);

    Task<RunInfo> UpdateRunAsync(RunUpdate update, CancellationToken cancellationToken);

    Task DeleteRunAsync(RunId id, CancellationToken cancellationToken);

    Task RestoreRunAsync(RunId id, CancellationToken cancellationToken);

    Task<Run?> GetRunAsync(RunId id, CancellationToken cancellationToken);

    /// <summary>The runs with these ids (deleted ones too, as <see cref="GetRunAsync"/>), in the order given; ids with no run are left out.</summary>
    Task<IReadOnlyList<Run>> GetRunsAsync(IReadOnlyList<RunId> ids, CancellationToken cancellationToken);

    Task<Page<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The runs table's paging: the page after <paramref name="after"/> (a previous page's token, null for the first),
    /// found by key rather than by skipping rows, so a sort by one metric costs the same on page 1 and page 1,000.
    /// <see cref="RunQuery.Offset"/> is ignored. A token from another order is refused.
    /// </summary>
    Task<Page<Run>> SearchRunsByKeyAsync(RunQuery query, string? after, CancellationToken cancellationToken);

    /// <summary>
    /// The runs matching the filter with only the named params and latest metric values, read column by column in one
    /// pass per table: a plot over 10,000 runs builds no run objects with every tag, param and metric.
    /// </summary>
    Task<RunColumns> GetRunColumnsAsync(RunColumnQuery query, CancellationToken cancellationToken);

    /// <summary>The runs matching the filter grouped by a param or tag, largest groups first, at most MaxGroups.</summary>
    Task<IReadOnlyList<RunGroup>> GroupRunsAsync(RunGroupQuery query, CancellationToken cancellationToken);

    /// <summary>Stores every metric, param and tag of the batch, or none of them.</summary>
    Task LogBatchAsync(RunId id, LogBatch batch, CancellationToken cancellationToken);

    Task DeleteTagAsync(RunId id, string key, CancellationToken cancellationToken);

    /// <summary>Links datasets (and, from MLflow 3 clients, logged models by id) to a run as its inputs.</summary>
    Task LogInputsAsync(RunId id, IReadOnlyList<DatasetInput> inputs, IReadOnlyList<string> modelIds, CancellationToken cancellationToken);

    /// <summary>Appends one model description to the run's <c>mlflow.log-model.history</c> tag.</summary>
    Task AppendLoggedModelAsync(RunId id, string modelJson, CancellationToken cancellationToken);

    Task<Page<Metric>> GetMetricHistoryAsync(MetricHistoryQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<MetricWithRunId>> GetMetricHistoryBulkIntervalAsync(BulkIntervalQuery query, CancellationToken cancellationToken);

    /// <summary>Per run and metric key, the summaries kept at write time (no history is read).</summary>
    Task<IReadOnlyList<RunMetricSummary>> GetMetricSummariesAsync(IReadOnlyList<RunId> runIds, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the points of one metric in (step, timestamp, value) order, within the step range, to
    /// <paramref name="visit"/> in one pass without holding them; the run must exist.
    /// </summary>
    Task VisitMetricHistoryAsync(MetricRangeQuery query, Action<Metric> visit, CancellationToken cancellationToken);

    /// <summary>The lowest and highest step of one metric's stored points (null when it has none); the run must exist.</summary>
    Task<(long First, long Last)?> GetMetricStepRangeAsync(RunId runId, string key, CancellationToken cancellationToken);

    /// <summary>Cells of one level of the metric's write-time pyramid (see <see cref="MetricPyramid"/>), in bucket order.</summary>
    Task<IReadOnlyList<MetricStepBucket>> GetMetricBucketsAsync(MetricBucketQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="VisitMetricHistoryAsync"/> for several ranges (any runs and keys) in one read: <paramref name="visit"/>
    /// gets the index of the query and each point, query after query, each query's points in (step, timestamp, value)
    /// order. Every run must exist. The compare page's overlay chart and best-step summary read 100 runs this way.
    /// </summary>
    Task VisitMetricHistoriesAsync(IReadOnlyList<MetricRangeQuery> queries, Action<int, Metric> visit, CancellationToken cancellationToken);

    /// <summary><see cref="GetMetricBucketsAsync(MetricBucketQuery, CancellationToken)"/> for several queries in one read, a list per query. Every run must exist.</summary>
    Task<IReadOnlyList<IReadOnlyList<MetricStepBucket>>> GetMetricBucketsAsync(IReadOnlyList<MetricBucketQuery> queries, CancellationToken cancellationToken);

    /// <summary>
    /// Distinct param, metric or tag keys (by <paramref name="kind"/>) used by the experiment's runs that start with
    /// <paramref name="prefix"/>, in order, at most <paramref name="limit"/>: the runs table's column chooser.
    /// </summary>
    Task<IReadOnlyList<string>> GetRunKeysAsync(ExperimentId experiment, Search.FilterEntity kind, string prefix, int limit, CancellationToken cancellationToken);

    /// <summary>The run's experiment and lifecycle, for artifact routes that only need to locate it.</summary>
    Task<RunInfo?> GetRunInfoAsync(RunId id, CancellationToken cancellationToken);
}
