using Cairn.Contracts.Mlflow;
using Cairn.Contracts.V1;

namespace Cairn.Client;

public sealed partial class CairnClient
{
    /// <summary>Gets a registered model with its latest versions, tags and aliases.</summary>
    public async Task<RegisteredModelDto> GetRegisteredModelAsync(string name, CancellationToken cancellationToken = default) =>
        (await GetAsync(Mlflow + "registered-models/get" + Query(("name", name)), MlflowJson.RegisteredModelResponse, cancellationToken)).RegisteredModel;

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
