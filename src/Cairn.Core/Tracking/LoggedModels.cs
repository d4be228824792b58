using Cairn.Core.Search;

namespace Cairn.Core.Tracking;

public enum LoggedModelStatus
{
    Unspecified = 0,
    Pending = 1,
    Ready = 2,
    UploadFailed = 3,
}

/// <summary>An MLflow 3 logged model: a model entity with its own artifact folder, linked to the run that produced it.</summary>
public sealed record LoggedModel(
    string ModelId,
    ExperimentId ExperimentId,
    string Name,
    string? ModelType,
    string? SourceRunId,
    LoggedModelStatus Status,
    string? StatusMessage,
    long CreationTimestampMs,
    long LastUpdatedTimestampMs,
    string ArtifactUri,
    LifecycleStage LifecycleStage,
    IReadOnlyList<KeyValue> Params,
    IReadOnlyList<KeyValue> Tags)
{
    public IReadOnlyList<ModelMetric> Metrics { get; init; } = [];
}

public sealed record NewLoggedModel(
    ExperimentId ExperimentId,
    string Name,
    string? ModelType,
    string? SourceRunId,
    IReadOnlyList<KeyValue> Params,
    IReadOnlyList<KeyValue> Tags);

public sealed record LoggedModelQuery(IReadOnlyList<ExperimentId> ExperimentIds, IReadOnlyList<Comparison> Filter, int MaxResults, long Offset)
{
    /// <summary>Metric filters only match metrics computed on one of these datasets (all metrics when empty).</summary>
    public IReadOnlyList<DatasetRef> Datasets { get; init; } = [];

    /// <summary>Empty means newest first (creation_timestamp_ms DESC); model_id always breaks ties.</summary>
    public IReadOnlyList<LoggedModelOrder> OrderBy { get; init; } = [];
}

/// <summary>A dataset metrics were computed on; a null digest matches any digest of that name.</summary>
public sealed record DatasetRef(string Name, string? Digest);

/// <summary>
/// One order_by entry: a model column (<see cref="Metric"/> null) or a metric, ordered by the model's value at its
/// latest step (optionally computed on <see cref="Dataset"/>); models without the metric come last.
/// </summary>
public sealed record LoggedModelOrder(string? Column, string? Metric, bool Ascending, DatasetRef? Dataset);

public sealed record ModelOutput(string ModelId, long Step);

/// <summary>Logged models and run outputs (MLflow 3).</summary>
public interface ILoggedModelStore
{
    Task<LoggedModel> CreateLoggedModelAsync(NewLoggedModel model, CancellationToken cancellationToken);

    /// <summary>The model, or null when unknown (or deleted, unless <paramref name="allowDeleted"/>).</summary>
    Task<LoggedModel?> GetLoggedModelAsync(string modelId, bool allowDeleted, CancellationToken cancellationToken);

    Task<LoggedModel> FinalizeLoggedModelAsync(string modelId, LoggedModelStatus status, CancellationToken cancellationToken);

    Task DeleteLoggedModelAsync(string modelId, CancellationToken cancellationToken);

    Task<Page<LoggedModel>> SearchLoggedModelsAsync(LoggedModelQuery query, CancellationToken cancellationToken);

    Task SetLoggedModelTagsAsync(string modelId, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken);

    Task DeleteLoggedModelTagAsync(string modelId, string key, CancellationToken cancellationToken);

    Task LogLoggedModelParamsAsync(string modelId, IReadOnlyList<KeyValue> parameters, CancellationToken cancellationToken);

    Task LogOutputsAsync(RunId runId, IReadOnlyList<ModelOutput> outputs, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelOutput>> GetOutputsAsync(RunId runId, CancellationToken cancellationToken);
}
