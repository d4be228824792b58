namespace Cairn.Core.Tracking;

public sealed record KeyValue(string Key, string Value);

public sealed record Experiment(
    ExperimentId Id,
    string Name,
    string ArtifactLocation,
    LifecycleStage LifecycleStage,
    long CreationTime,
    long LastUpdateTime,
    IReadOnlyList<KeyValue> Tags)
{
    /// <summary>Active runs in the experiment, kept at write time.</summary>
    public long RunCount { get; init; }

    /// <summary>When a run last started, ended or logged a metric point; null while the experiment has no runs.</summary>
    public long? LastActivityTime { get; init; }
}

public sealed record RunInfo(
    RunId RunId,
    ExperimentId ExperimentId,
    string RunName,
    string? UserId,
    RunStatus Status,
    long? StartTime,
    long? EndTime,
    string ArtifactUri,
    LifecycleStage LifecycleStage)
{
    /// <summary>The highest step of the run's metric points, kept at write time; null before the first point.</summary>
    public long? LatestStep { get; init; }

    /// <summary>The latest timestamp of the run's metric points, kept at write time.</summary>
    public long? LatestMetricTime { get; init; }
}

/// <summary>One point of a metric's history. NaN and infinities are legal values.</summary>
public readonly record struct Metric(string Key, double Value, long Timestamp, long Step);

public sealed record MetricWithRunId(RunId RunId, Metric Metric);

public sealed record RunData(IReadOnlyList<Metric> Metrics, IReadOnlyList<KeyValue> Params, IReadOnlyList<KeyValue> Tags);

public sealed record Dataset(string Name, string Digest, string SourceType, string Source, string? Schema, string? Profile);

public sealed record DatasetInput(Dataset Dataset, IReadOnlyList<KeyValue> Tags);

public sealed record Run(RunInfo Info, RunData Data, IReadOnlyList<DatasetInput> Inputs, IReadOnlyList<ModelOutput>? Outputs = null)
{
    /// <summary>Logged models the run used as inputs (MLflow 3).</summary>
    public IReadOnlyList<string> ModelInputs { get; init; } = [];
}

/// <summary>A run as it is created: the store fills in id, status and artifact location.</summary>
public sealed record NewRun(
    ExperimentId ExperimentId,
    string? UserId,
    string RunName,
    long StartTime,
    IReadOnlyList<KeyValue> Tags);

/// <summary>Only the fields that are present change.</summary>
public sealed record RunUpdate(RunId RunId, RunStatus? Status, long? EndTime, string? RunName);

/// <summary>A metric point that also belongs to a logged model (and optionally to the dataset it was computed on).</summary>
public sealed record ModelMetric(string ModelId, Metric Metric, string? DatasetName, string? DatasetDigest);

public sealed record LogBatch(IReadOnlyList<Metric> Metrics, IReadOnlyList<KeyValue> Params, IReadOnlyList<KeyValue> Tags)
{
    /// <summary>The subset of <see cref="Metrics"/> logged with a model id (MLflow 3); stored per model too.</summary>
    public IReadOnlyList<ModelMetric> ModelMetrics { get; init; } = [];

    public static readonly LogBatch Empty = new([], [], []);

    public bool IsEmpty => Metrics.Count == 0 && Params.Count == 0 && Tags.Count == 0;
}

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);
