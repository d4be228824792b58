using Cairn.Contracts.Mlflow;
using Cairn.Core.Tracking;

namespace Cairn.Client;

public sealed partial class CairnClient
{
    /// <summary>Creates an MLflow 3 logged model (status PENDING) whose files go under its own artifact location.</summary>
    public async Task<LoggedModelDto> CreateLoggedModelAsync(string experimentId, string name, string? sourceRunId = null, string? modelType = null,
        IReadOnlyDictionary<string, string>? parameters = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, Mlflow + "logged-models",
            new CreateLoggedModelRequest(experimentId, name, modelType, sourceRunId, Pairs(parameters), Pairs(tags)),
            MlflowJson.CreateLoggedModelRequest, MlflowJson.LoggedModelResponse, cancellationToken, idempotent: false)).Model;

    /// <summary>Gets a logged model.</summary>
    public async Task<LoggedModelDto> GetLoggedModelAsync(string modelId, CancellationToken cancellationToken = default) =>
        (await GetAsync(Mlflow + "logged-models/" + Uri.EscapeDataString(modelId), MlflowJson.LoggedModelResponse, cancellationToken)).Model;

    /// <summary>Marks a logged model READY (its files are complete) or UPLOAD_FAILED.</summary>
    public async Task<LoggedModelDto> FinalizeLoggedModelAsync(string modelId, LoggedModelStatus status, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Patch, Mlflow + "logged-models/" + Uri.EscapeDataString(modelId), new FinalizeLoggedModelRequest(modelId, status),
            MlflowJson.FinalizeLoggedModelRequest, MlflowJson.LoggedModelResponse, cancellationToken)).Model;

    /// <summary>Adds params to a logged model (write-once; at most 100 per request).</summary>
    public Task LogLoggedModelParamsAsync(string modelId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "logged-models/" + Uri.EscapeDataString(modelId) + "/params", new LoggedModelParamsRequest(modelId, Pairs(parameters)),
            MlflowJson.LoggedModelParamsRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Every logged model of the experiments matching the filter (all pages).</summary>
    public Task<List<LoggedModelDto>> SearchLoggedModelsAsync(IReadOnlyList<string> experimentIds, string? filter = null, CancellationToken cancellationToken = default) =>
        AllPagesAsync(token => SendAsync(HttpMethod.Post, Mlflow + "logged-models/search", new SearchLoggedModelsRequest(experimentIds.ToList(), filter, 100, token),
                MlflowJson.SearchLoggedModelsRequest, MlflowJson.SearchLoggedModelsResponse, cancellationToken),
            page => (page.Models, page.NextPageToken));

    /// <summary>Records that a run produced a logged model (MLflow 3 run outputs).</summary>
    public Task LogOutputsAsync(string runId, IReadOnlyList<string> modelIds, long step = 0, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "runs/outputs", new LogOutputsRequest(runId, modelIds.Select(id => new ModelOutputRequestDto(id, step)).ToList()),
            MlflowJson.LogOutputsRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Sets (or replaces) tags on a logged model.</summary>
    public Task SetLoggedModelTagsAsync(string modelId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, Mlflow + "logged-models/" + Uri.EscapeDataString(modelId) + "/tags", new LoggedModelTagsRequest(modelId, Pairs(tags)),
            MlflowJson.LoggedModelTagsRequest, MlflowJson.EmptyResponse, cancellationToken);
}
