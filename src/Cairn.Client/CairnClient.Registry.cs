using Cairn.Contracts.Mlflow;
using Cairn.Contracts.V1;

namespace Cairn.Client;

public sealed partial class CairnClient
{
    /// <summary>Gets a registered model with its latest versions, tags and aliases.</summary>
    public async Task<RegisteredModelDto> GetRegisteredModelAsync(string name, CancellationToken cancellationToken = default) =>
        (await GetAsync(Mlflow + "registered-models/get" + Query(("name", name)), MlflowJson.RegisteredModelResponse, cancellationToken)).RegisteredModel;

    /// <summary>Creates a registered model.</summary>
    public async Task<RegisteredModelDto> CreateRegisteredModelAsync(string name, string? description = null, IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, Mlflow + "registered-models/create", new CreateRegisteredModelRequest(name, Pairs(tags), description),
            MlflowJson.CreateRegisteredModelRequest, MlflowJson.RegisteredModelResponse, cancellationToken, idempotent: false)).RegisteredModel;

    /// <summary>Creates the registered model unless it exists (safe against a concurrent creator).</summary>
    public async Task EnsureRegisteredModelAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            await CreateRegisteredModelAsync(name, cancellationToken: cancellationToken);
        }
        catch (CairnClientException error) when (error.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            // Already there: nothing to do.
        }
    }

    /// <summary>Deletes a registered model and all its versions.</summary>
    public Task DeleteRegisteredModelAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, Mlflow + "registered-models/delete", new ModelNameRequest(name), MlflowJson.ModelNameRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>
    /// Registers a new version from a source (<c>runs:/…</c>, <c>models:/…</c>, <c>mlflow-artifacts:/…</c>) or from an MLflow 3 logged model.
    /// </summary>
    public async Task<ModelVersionDto> CreateModelVersionAsync(string name, string source, string? runId = null, string? modelId = null,
        string? description = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, Mlflow + "model-versions/create", new CreateModelVersionRequest(name, source, runId, Pairs(tags), null, description, modelId),
            MlflowJson.CreateModelVersionRequest, MlflowJson.ModelVersionResponse, cancellationToken, idempotent: false)).ModelVersion;

    /// <summary>Gets one version of a registered model.</summary>
    public async Task<ModelVersionDto> GetModelVersionAsync(string name, string version, CancellationToken cancellationToken = default) =>
        (await GetAsync(Mlflow + "model-versions/get" + Query(("name", name), ("version", version)), MlflowJson.ModelVersionResponse, cancellationToken)).ModelVersion;

    /// <summary>The version an alias points at.</summary>
    public async Task<ModelVersionDto> GetModelVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken = default) =>
        (await GetAsync(Mlflow + "registered-models/alias" + Query(("name", name), ("alias", alias)), MlflowJson.ModelVersionResponse, cancellationToken)).ModelVersion;

    /// <summary>The newest version in each of the given stages (all stages when none are given).</summary>
    public async Task<List<ModelVersionDto>> GetLatestVersionsAsync(string name, IReadOnlyList<string>? stages = null, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, Mlflow + "registered-models/get-latest-versions", new GetLatestVersionsRequest(name, stages?.ToList()),
            MlflowJson.GetLatestVersionsRequest, MlflowJson.ModelVersionsResponse, cancellationToken)).ModelVersions ?? [];

    /// <summary>Where a version's files are stored (an <c>mlflow-artifacts:/…</c> location).</summary>
    public async Task<string> GetModelVersionDownloadUriAsync(string name, string version, CancellationToken cancellationToken = default) =>
        (await GetAsync(Mlflow + "model-versions/get-download-uri" + Query(("name", name), ("version", version)), MlflowJson.DownloadUriResponse, cancellationToken)).ArtifactUri;

    /// <summary>Deletes one version.</summary>
    public Task DeleteModelVersionAsync(string name, string version, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, Mlflow + "model-versions/delete", new ModelVersionRequest(name, version), MlflowJson.ModelVersionRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Sets a tag on a registered model.</summary>
    public Task SetRegisteredModelTagAsync(string name, string key, string value, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "registered-models/set-tag", new ModelTagRequest(name, key, value), MlflowJson.ModelTagRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Sets a tag on a model version.</summary>
    public Task SetModelVersionTagAsync(string name, string version, string key, string value, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "model-versions/set-tag", new ModelVersionTagRequest(name, version, key, value),
            MlflowJson.ModelVersionTagRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Every registered model matching the filter (all pages).</summary>
    public Task<List<RegisteredModelDto>> SearchRegisteredModelsAsync(string? filter = null, CancellationToken cancellationToken = default) =>
        AllPagesAsync(token => Mlflow + "registered-models/search" + Query(("filter", filter), ("max_results", "1000"), ("page_token", token)),
            MlflowJson.SearchRegisteredModelsResponse, page => (page.RegisteredModels, page.NextPageToken), cancellationToken);

    /// <summary>Every model version matching the filter (all pages).</summary>
    public Task<List<ModelVersionDto>> SearchModelVersionsAsync(string? filter = null, CancellationToken cancellationToken = default) =>
        AllPagesAsync(token => Mlflow + "model-versions/search" + Query(("filter", filter), ("max_results", "10000"), ("page_token", token)),
            MlflowJson.ModelVersionsResponse, page => (page.ModelVersions, page.NextPageToken), cancellationToken);

    /// <summary>Points an alias at a version (moving it if it exists).</summary>
    public Task SetAliasAsync(string name, string alias, string version, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "registered-models/alias", new ModelAliasRequest(name, alias, version), MlflowJson.ModelAliasRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Removes an alias; removing an unknown alias is not an error.</summary>
    public Task DeleteAliasAsync(string name, string alias, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, Mlflow + "registered-models/alias", new ModelAliasRequest(name, alias, null), MlflowJson.ModelAliasRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Moves a version to a stage (None, Staging, Production, Archived).</summary>
    public async Task<ModelVersionDto> TransitionStageAsync(string name, string version, string stage, bool archiveExisting = false, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, Mlflow + "model-versions/transition-stage", new TransitionStageRequest(name, version, stage, archiveExisting),
            MlflowJson.TransitionStageRequest, MlflowJson.ModelVersionResponse, cancellationToken)).ModelVersion;

    /// <summary>Records an approval decision ("Approved" or "Rejected") on a version.</summary>
    public Task<ApprovalDto> DecideApprovalAsync(string name, string version, string decision, string? comment = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/v1/registry/models/{Uri.EscapeDataString(name)}/versions/{Uri.EscapeDataString(version)}/approval",
            new ApprovalDecisionRequest(decision, comment), CairnJson.ApprovalDecisionRequest, CairnJson.ApprovalDto, cancellationToken);

    /// <summary>The audit trail of a registered model, newest first (all pages).</summary>
    public Task<List<AuditEventDto>> GetAuditTrailAsync(string name, CancellationToken cancellationToken = default) =>
        AllPagesAsync(token => "api/v1/registry/audit" + Query(("name", name), ("maxResults", "10000"), ("pageToken", token)),
            CairnJson.AuditTrailResponse, page => (page.Events, page.NextPageToken), cancellationToken);
}
