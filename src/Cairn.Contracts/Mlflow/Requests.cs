using Cairn.Core.Tracking;

namespace Cairn.Contracts.Mlflow;

public sealed record CreateExperimentRequest(string? Name, string? ArtifactLocation, List<KeyValueDto>? Tags);

public sealed record ExperimentIdRequest(string? ExperimentId);

public sealed record GetExperimentByNameRequest(string? ExperimentName);

public sealed record SearchExperimentsRequest(long? MaxResults, string? PageToken, string? Filter, List<string>? OrderBy, ViewType? ViewType);

public sealed record UpdateExperimentRequest(string? ExperimentId, string? NewName);

public sealed record SetExperimentTagRequest(string? ExperimentId, string? Key, string? Value);

public sealed record CreateRunRequest(string? ExperimentId, string? UserId, string? RunName, long? StartTime, List<KeyValueDto>? Tags);

public sealed record UpdateRunRequest(string? RunId, string? RunUuid, RunStatus? Status, long? EndTime, string? RunName);

public sealed record RunIdRequest(string? RunId, string? RunUuid);

public sealed record SearchRunsRequest(
    List<string>? ExperimentIds,
    string? Filter,
    ViewType? RunViewType,
    long? MaxResults,
    List<string>? OrderBy,
    string? PageToken);

public sealed record LogMetricRequest(string? RunId, string? RunUuid, string? Key, double? Value, long? Timestamp, long? Step,
    string? ModelId = null, string? DatasetName = null, string? DatasetDigest = null);

public sealed record KeyValueRunRequest(string? RunId, string? RunUuid, string? Key, string? Value);

public sealed record LogBatchRequest(string? RunId, List<MetricDto>? Metrics, List<KeyValueDto>? Params, List<KeyValueDto>? Tags);

public sealed record LogModelRequest(string? RunId, string? ModelJson);

public sealed record LogInputsRequest(string? RunId, List<DatasetInputDto>? Datasets, List<ModelInputDto>? Models = null);

public sealed record GetMetricHistoryRequest(string? RunId, string? RunUuid, string? MetricKey, string? PageToken, long? MaxResults);

public sealed record GetMetricHistoryBulkIntervalRequest(List<string>? RunIds, string? MetricKey, long? StartStep, long? EndStep, long? MaxResults);

public sealed record GetMetricHistoryBulkRequest(List<string>? RunId, string? MetricKey, long? MaxResults);

public sealed record ListArtifactsRequest(string? RunId, string? RunUuid, string? Path, string? PageToken);

public sealed record ListExperimentsRequest(ViewType? ViewType, long? MaxResults, string? PageToken);
