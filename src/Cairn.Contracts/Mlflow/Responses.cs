namespace Cairn.Contracts.Mlflow;

public sealed record EmptyResponse;

public sealed record CreateExperimentResponse(string ExperimentId);

public sealed record ExperimentResponse(ExperimentDto Experiment);

public sealed record SearchExperimentsResponse(List<ExperimentDto>? Experiments, string? NextPageToken);

public sealed record RunResponse(RunDto Run);

public sealed record UpdateRunResponse(RunInfoDto RunInfo);

public sealed record SearchRunsResponse(List<RunDto>? Runs, string? NextPageToken);

public sealed record MetricHistoryResponse(List<MetricDto>? Metrics, string? NextPageToken);

public sealed record MetricsWithRunIdResponse(List<MetricWithRunIdDto>? Metrics);

public sealed record ListArtifactsResponse(string? RootUri, List<FileInfoDto>? Files, string? NextPageToken);

public sealed record ArtifactFilesResponse(List<FileInfoDto>? Files);

public sealed record ErrorResponse(string ErrorCode, string Message);
