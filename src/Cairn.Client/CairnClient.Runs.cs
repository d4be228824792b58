using Cairn.Contracts.Mlflow;
using Cairn.Core.Tracking;

namespace Cairn.Client;

public sealed partial class CairnClient
{
    /// <summary>Creates a run in an experiment.</summary>
    public async Task<RunDto> CreateRunAsync(string experimentId, string? runName = null, IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, Mlflow + "runs/create", new CreateRunRequest(experimentId, Environment.UserName, runName, NowMs(), Pairs(tags)),
            MlflowJson.CreateRunRequest, MlflowJson.RunResponse, cancellationToken, idempotent: false)).Run;

    /// <summary>Gets a run with its latest metrics, params, tags, inputs and outputs.</summary>
    public async Task<RunDto> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        (await GetAsync(Mlflow + "runs/get" + Query(("run_id", runId)), MlflowJson.RunResponse, cancellationToken)).Run;

    /// <summary>Sets a run's status (and end time when the status is terminal).</summary>
    public async Task<RunInfoDto> UpdateRunAsync(string runId, RunStatus status, long? endTime = null, string? runName = null, CancellationToken cancellationToken = default)
    {
        var terminal = status is RunStatus.Finished or RunStatus.Failed or RunStatus.Killed;
        return (await SendAsync(HttpMethod.Post, Mlflow + "runs/update", new UpdateRunRequest(runId, null, status, endTime ?? (terminal ? NowMs() : null), runName),
            MlflowJson.UpdateRunRequest, MlflowJson.UpdateRunResponse, cancellationToken)).RunInfo;
    }

    /// <summary>Marks a run deleted.</summary>
    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/delete", new RunIdRequest(runId, null), MlflowJson.RunIdRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Restores a deleted run.</summary>
    public Task RestoreRunAsync(string runId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/restore", new RunIdRequest(runId, null), MlflowJson.RunIdRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>One page of runs matching the filter.</summary>
    public Task<SearchRunsResponse> SearchRunsPageAsync(IReadOnlyList<string> experimentIds, string? filter = null, IReadOnlyList<string>? orderBy = null,
        int maxResults = 1000, string? pageToken = null, ViewType viewType = ViewType.ActiveOnly, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/search", new SearchRunsRequest(experimentIds.ToList(), filter, viewType, maxResults, orderBy?.ToList(), pageToken),
            MlflowJson.SearchRunsRequest, MlflowJson.SearchRunsResponse, cancellationToken);

    /// <summary>Every run matching the filter (all pages).</summary>
    public Task<List<RunDto>> SearchRunsAsync(IReadOnlyList<string> experimentIds, string? filter = null, IReadOnlyList<string>? orderBy = null,
        ViewType viewType = ViewType.ActiveOnly, CancellationToken cancellationToken = default) =>
        AllPagesAsync(token => SearchRunsPageAsync(experimentIds, filter, orderBy, 1000, token, viewType, cancellationToken), page => (page.Runs, page.NextPageToken));

    /// <summary>Sets a tag on a run.</summary>
    public Task SetTagAsync(string runId, string key, string value, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/set-tag", new KeyValueRunRequest(runId, null, key, value), MlflowJson.KeyValueRunRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Removes a tag from a run.</summary>
    public Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/delete-tag", new KeyValueRunRequest(runId, null, key, null), MlflowJson.KeyValueRunRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Logs one parameter (immutable once logged).</summary>
    public Task LogParamAsync(string runId, string key, string value, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/log-parameter", new KeyValueRunRequest(runId, null, key, value), MlflowJson.KeyValueRunRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Logs one metric point.</summary>
    public Task LogMetricAsync(string runId, string key, double value, long step = 0, long? timestamp = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/log-metric", new LogMetricRequest(runId, null, key, value, timestamp ?? NowMs(), step),
            MlflowJson.LogMetricRequest, MlflowJson.EmptyResponse, cancellationToken, idempotent: false);

    /// <summary>Logs metrics, params and tags in one atomic request (at most 1000 metrics, 100 params, 100 tags).</summary>
    public Task LogBatchAsync(string runId, IReadOnlyList<MetricDto>? metrics = null, IReadOnlyList<KeyValueDto>? parameters = null,
        IReadOnlyList<KeyValueDto>? tags = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/log-batch", new LogBatchRequest(runId, metrics?.ToList(), parameters?.ToList(), tags?.ToList()),
            MlflowJson.LogBatchRequest, MlflowJson.EmptyResponse, cancellationToken, idempotent: false);

    /// <summary>Records datasets (and MLflow 3 logged models) a run used as inputs.</summary>
    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInputDto>? datasets, IReadOnlyList<string>? modelIds = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/log-inputs",
            new LogInputsRequest(runId, datasets?.ToList(), modelIds?.Select(id => new ModelInputDto(id)).ToList()),
            MlflowJson.LogInputsRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Every point of one metric of a run (all pages).</summary>
    public Task<List<MetricDto>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default) =>
        AllPagesAsync(token => Mlflow + "metrics/get-history" + Query(("run_id", runId), ("metric_key", key), ("max_results", "25000"), ("page_token", token)),
            MlflowJson.MetricHistoryResponse, page => (page.Metrics, page.NextPageToken), cancellationToken);
}
