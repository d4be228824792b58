using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Validation;
using Cairn.Server.Mlflow;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Registry;

internal static class RegisteredModelEndpoints
{
    private static MlflowJsonContext Json => MlflowJsonContext.Wire;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/registered-models/create", Create);
        group.MapGet("/registered-models/get", Get);
        group.MapPost("/registered-models/rename", Rename);
        group.MapMethods("/registered-models/update", ["PATCH", "POST"], Update);
        group.MapDelete("/registered-models/delete", Delete);
        group.MapMethods("/registered-models/search", ["GET", "POST"], Search);
        group.MapMethods("/registered-models/get-latest-versions", ["GET", "POST"], GetLatestVersions);
        group.MapPost("/registered-models/set-tag", SetTag);
        group.MapDelete("/registered-models/delete-tag", DeleteTag);
        group.MapPost("/registered-models/alias", SetAlias);
        group.MapDelete("/registered-models/alias", DeleteAlias);
        group.MapGet("/registered-models/alias", GetByAlias);
    }

    private static async Task<IResult> Create(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.CreateRegisteredModelRequest);
        var name = RegistryValidation.ModelName(request.Name);
        var tags = (request.Tags ?? []).Select(t => RegistryValidation.Tag(t.Key, t.Value)).ToList();
        var model = await store.CreateModelAsync(name, RegistryValidation.Description(request.Description), TrackingValidation.LastTagWins(tags), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Json(new RegisteredModelResponse(model.ToDto()), Json.RegisteredModelResponse);
    }

    private static async Task<IResult> Get(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelNameRequest);
        var model = await store.GetModelAsync(RegistryValidation.ModelName(request.Name), cancellationToken);
        return MlflowResults.Json(new RegisteredModelResponse(model.ToDto()), Json.RegisteredModelResponse);
    }

    private static async Task<IResult> Rename(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.RenameRegisteredModelRequest);
        var model = await store.RenameModelAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.ModelName(request.NewName, "new_name"), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Json(new RegisteredModelResponse(model.ToDto()), Json.RegisteredModelResponse);
    }

    private static async Task<IResult> Update(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.UpdateRegisteredModelRequest);
        var model = await store.UpdateModelAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.Description(request.Description), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Json(new RegisteredModelResponse(model.ToDto()), Json.RegisteredModelResponse);
    }

    private static async Task<IResult> Delete(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelNameRequest);
        await store.DeleteModelAsync(RegistryValidation.ModelName(request.Name), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> Search(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.RegistrySearchRequest);
        var query = new RegistryQuery(
            RegistrySearch.ParseModelFilter(request.Filter),
            RegistrySearch.ParseModelOrder(request.OrderBy),
            TrackingValidation.MaxResults(request.MaxResults, RegistryValidation.DefaultSearchModels, RegistryValidation.MaxSearchModels),
            PageToken.Decode(request.PageToken));
        var page = await store.SearchModelsAsync(query, cancellationToken);
        return MlflowResults.Json(
            new SearchRegisteredModelsResponse(page.Items.Count == 0 ? null : page.Items.Select(m => m.ToDto()).ToList(), page.NextPageToken),
            Json.SearchRegisteredModelsResponse);
    }

    private static async Task<IResult> GetLatestVersions(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.GetLatestVersionsRequest);
        var stages = (request.Stages ?? []).Select(ModelStages.Canonical).Distinct().ToList();
        var versions = await store.GetLatestVersionsAsync(RegistryValidation.ModelName(request.Name), stages, cancellationToken);
        return MlflowResults.Json(new ModelVersionsResponse(versions.Count == 0 ? null : versions.Select(v => v.ToDto()).ToList()), Json.ModelVersionsResponse);
    }

    private static async Task<IResult> SetTag(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelTagRequest);
        await store.SetModelTagAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.Tag(request.Key, request.Value), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> DeleteTag(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelTagRequest);
        await store.DeleteModelTagAsync(RegistryValidation.ModelName(request.Name), Require(request.Key, "key"), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> SetAlias(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelAliasRequest);
        await store.SetAliasAsync(RegistryValidation.ModelName(request.Name), RegistryValidation.Alias(request.Alias),
            RegistryValidation.Version(request.Version), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> DeleteAlias(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelAliasRequest);
        await store.DeleteAliasAsync(RegistryValidation.ModelName(request.Name), Require(request.Alias, "alias"), RequestActor.Of(context), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> GetByAlias(HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ModelAliasRequest);
        var version = await store.GetVersionByAliasAsync(RegistryValidation.ModelName(request.Name), Require(request.Alias, "alias"), cancellationToken);
        return MlflowResults.Json(new ModelVersionResponse(version.ToDto()), Json.ModelVersionResponse);
    }
}
