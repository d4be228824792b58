using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Artifacts;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;
using Cairn.Server.Mlflow;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Registry;

internal static class ModelVersionEndpoints
{
    private static MlflowJsonContext Json => MlflowJsonContext.Wire;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/model-versions/create", Create);
        group.MapGet("/model-versions/get", Get);
        group.MapMethods("/model-versions/update", ["PATCH", "POST"], Update);
        group.MapDelete("/model-versions/delete", Delete);
        group.MapPost("/model-versions/transition-stage", TransitionStage);
        group.MapMethods("/model-versions/search", ["GET", "POST"], Search);
        group.MapGet("/model-versions/get-download-uri", GetDownloadUri);
        group.MapPost("/model-versions/set-tag", SetTag);
        group.MapDelete("/model-versions/delete-tag", DeleteTag);
    }

    private static async Task<IResult> Create(HttpContext context, IModelRegistryStore store, ITrackingStore tracking, ILoggedModelStore loggedModels,
        IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.CreateModelVersionRequest);
        var name = RegistryValidation.ModelName(request.Name);
        var source = Require(request.Source, "source");
        TrackingValidation.CheckLength("Model version source", source, RegistryValidation.MaxSourceLength);
        TrackingValidation.CheckLength("run_link", request.RunLink ?? "", RegistryValidation.MaxSourceLength);
        var tags = TrackingValidation.LastTagWins((request.Tags ?? []).Select(t => RegistryValidation.Tag(t.Key, t.Value)).ToList());
        await store.GetModelAsync(name, cancellationToken);
        // A prompt version (MLflow 3 prompt registry) has no files: its text is a tag and its source a label such as prompt-template.
        var (storage, sourceRun) = tags.Any(t => t.Key == ModelSources.PromptTag)
            ? (source, null)
            : await ModelSources.StoreVersionFilesAsync(source, request.ModelId, tracking, loggedModels, store, artifacts, cancellationToken);
        var runId = string.IsNullOrEmpty(request.RunId) ? sourceRun : request.RunId;
        var version = await store.CreateVersionAsync(
            new NewModelVersion(name, source, storage, runId, request.RunLink ?? "", RegistryValidation.Description(request.Description), tags),
            RequestActor.Of(context), cancellationToken);
        return MlflowResults.Json(new ModelVersionResponse(version.ToDto()), Json.ModelVersionResponse);
    }

    private static async Task<IResult> Get(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelVersionRequest);
        var version = await store.GetVersionAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.Version(request.Version), cancellationToken);
        return MlflowResults.Json(new ModelVersionResponse(version.ToDto()), Json.ModelVersionResponse);
    }

    private static async Task<IResult> Update(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.UpdateModelVersionRequest);
        var version = await store.UpdateVersionAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.Version(request.Version),
            RegistryValidation.Description(request.Description), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Json(new ModelVersionResponse(version.ToDto()), Json.ModelVersionResponse);
    }

    private static async Task<IResult> Delete(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelVersionRequest);
        await store.DeleteVersionAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.Version(request.Version), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> TransitionStage(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.TransitionStageRequest);
        var name = RegistryValidation.ModelName(request.Name);
        var number = RegistryValidation.Version(request.Version);
        var stage = ModelStages.Canonical(Require(request.Stage, "stage"));
        var archive = request.ArchiveExistingVersions ?? false;
        if (archive && stage is not (ModelStages.Staging or ModelStages.Production))
        {
            throw CairnException.InvalidParameter($"archive_existing_versions can only be used when moving to Staging or Production, not {stage}.");
        }

        var version = await store.TransitionStageAsync(name, number, stage, archive, RequestActor.Of(context), cancellationToken);
        return MlflowResults.Json(new ModelVersionResponse(version.ToDto()), Json.ModelVersionResponse);
    }

    private static async Task<IResult> Search(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.RegistrySearchRequest);
        var query = new RegistryQuery(
            RegistrySearch.ParseVersionFilter(request.Filter),
            RegistrySearch.ParseVersionOrder(request.OrderBy),
            TrackingValidation.MaxResults(request.MaxResults, RegistryValidation.MaxSearchVersions, RegistryValidation.MaxSearchVersions),
            PageToken.Decode(request.PageToken));
        var page = await store.SearchVersionsAsync(query, cancellationToken);
        return MlflowResults.Json(
            new ModelVersionsResponse(page.Items.Count == 0 ? null : page.Items.Select(v => v.ToDto()).ToList(), page.NextPageToken),
            Json.ModelVersionsResponse);
    }

    private static async Task<IResult> GetDownloadUri(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelVersionRequest);
        var version = await store.GetVersionAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.Version(request.Version), cancellationToken);
        return MlflowResults.Json(new DownloadUriResponse(version.StorageLocation), Json.DownloadUriResponse);
    }

    private static async Task<IResult> SetTag(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelVersionTagRequest);
        await store.SetVersionTagAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.Version(request.Version),
            RegistryValidation.Tag(request.Key, request.Value), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> DeleteTag(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelVersionTagRequest);
        await store.DeleteVersionTagAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.Version(request.Version),
            Require(request.Key, "key"), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Empty;
    }
}
