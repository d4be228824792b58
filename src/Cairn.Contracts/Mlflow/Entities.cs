using Cairn.Core.Tracking;

namespace Cairn.Contracts.Mlflow;

// MLflow wire shapes: snake_case, int64 as numbers, ids as strings, empty lists omitted (null).

public sealed record KeyValueDto(string? Key, string? Value);

public sealed record ExperimentDto(
    string ExperimentId,
    string Name,
    string ArtifactLocation,
    string LifecycleStage,
    long LastUpdateTime,
    long CreationTime,
    List<KeyValueDto>? Tags);

public sealed record RunInfoDto(
    string RunUuid,
    string RunId,
    string RunName,
    string ExperimentId,
    string? UserId,
    RunStatus Status,
    long? StartTime,
    long? EndTime,
    string ArtifactUri,
    string LifecycleStage);

/// <summary>A metric point; request fields are nullable so a missing one can be reported by name.</summary>
public sealed record MetricDto(string? Key, double? Value, long? Timestamp, long? Step)
{
    // MLflow 3: a metric may belong to a logged model and a dataset.
    public string? ModelId { get; init; }

    public string? DatasetName { get; init; }

    public string? DatasetDigest { get; init; }
}

public sealed record MetricWithRunIdDto(string Key, double Value, long Timestamp, long Step, string RunId);

public sealed record RunDataDto(List<MetricDto>? Metrics, List<KeyValueDto>? Params, List<KeyValueDto>? Tags);

public sealed record DatasetDto(string? Name, string? Digest, string? SourceType, string? Source, string? Schema, string? Profile);

public sealed record DatasetInputDto(List<KeyValueDto>? Tags, DatasetDto? Dataset);

public sealed record ModelInputDto(string? ModelId);

public sealed record RunInputsDto(List<DatasetInputDto>? DatasetInputs, List<ModelInputDto>? ModelInputs = null);

public sealed record ModelOutputDto(string ModelId, long Step);

public sealed record RunOutputsDto(List<ModelOutputDto>? ModelOutputs);

/// <summary>A run; <c>outputs</c> (MLflow 3) is present only when the run has produced logged models.</summary>
public sealed record RunDto(RunInfoDto Info, RunDataDto Data, RunInputsDto Inputs, RunOutputsDto? Outputs = null);

public sealed record FileInfoDto(string Path, bool IsDir, long? FileSize);
