using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;
using Cairn.Server.Mlflow;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Tracking;

internal static class RunEndpoints
{
    private static readonly MlflowJsonContext Json = MlflowJsonContext.Wire;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/runs/create", Create);
        group.MapPost("/runs/update", Update);
        group.MapPost("/runs/delete", Delete);
        group.MapPost("/runs/restore", Restore);
        group.MapGet("/runs/get", Get);
        group.MapMethods("/runs/search", ["GET", "POST"], Search);
        group.MapPost("/runs/set-tag", SetTag);
        group.MapPost("/runs/delete-tag", DeleteTag);
        group.MapPost("/runs/log-model", LogModel);
        group.MapPost("/runs/log-inputs", LogInputs);
    }

    private static async Task<IResult> Create(HttpContext context, ITrackingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.CreateRunRequest);
        var experimentId = string.IsNullOrEmpty(request.ExperimentId) ? Core.Tracking.ExperimentId.Default : ExperimentId(request.ExperimentId);
        var tags = TrackingValidation.LastTagWins((request.Tags ?? []).Select(t => TrackingValidation.RunTag(t.Key, t.Value)).ToList());
        var nameTag = tags.FirstOrDefault(t => t.Key == WellKnownTags.RunName)?.Value;
        if (!string.IsNullOrEmpty(request.RunName) && !string.IsNullOrEmpty(nameTag) && request.RunName != nameTag)
        {
            throw CairnException.InvalidParameter(
                $"Both 'run_name' ('{request.RunName}') and tag '{WellKnownTags.RunName}' ('{nameTag}') were given and differ.");
        }

        var runName = !string.IsNullOrEmpty(request.RunName) ? request.RunName
            : !string.IsNullOrEmpty(nameTag) ? nameTag
            : RunNames.Generate(Random.Shared);
        TrackingValidation.CheckLength("Run name", runName, TrackingLimits.MaxRunNameLength);
        if (request.UserId is not null)
        {
            TrackingValidation.CheckLength("user_id", request.UserId, TrackingLimits.MaxUserIdLength);
        }

        var startTime = request.StartTime ?? time.GetUtcNow().ToUnixTimeMilliseconds();
        var run = await store.CreateRunAsync(new NewRun(experimentId, request.UserId, runName, startTime, tags), cancellationToken);
        return MlflowResults.Json(new RunResponse(run.ToDto()), Json.RunResponse);
    }

    private static async Task<IResult> Update(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.UpdateRunRequest);
        var id = RunId(request.RunId, request.RunUuid);
        RunStatus? status = request.Status is null ? null : Defined(request.Status, RunStatus.Running, "status");
        if (request.RunName is not null)
        {
            TrackingValidation.CheckLength("Run name", request.RunName, TrackingLimits.MaxRunNameLength);
        }

        var info = await store.UpdateRunAsync(new RunUpdate(id, status, request.EndTime, request.RunName), cancellationToken);
        return MlflowResults.Json(new UpdateRunResponse(info.ToDto()), Json.UpdateRunResponse);
    }

    private static async Task<IResult> Delete(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.RunIdRequest);
        await store.DeleteRunAsync(RunId(request.RunId, request.RunUuid), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> Restore(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.RunIdRequest);
        await store.RestoreRunAsync(RunId(request.RunId, request.RunUuid), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> Get(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.RunIdRequest);
        var id = RunId(request.RunId, request.RunUuid);
        var run = await store.GetRunAsync(id, cancellationToken) ?? throw CairnException.NotFound($"Run with id={id} not found");
        return MlflowResults.Json(new RunResponse(run.ToDto()), Json.RunResponse);
    }

    private static async Task<IResult> Search(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.SearchRunsRequest);
        var experimentIds = request.ExperimentIds ?? [];
        if (experimentIds.Count > TrackingLimits.MaxExperimentIdsPerSearch)
        {
            throw CairnException.InvalidParameter(
                $"experiment_ids has {experimentIds.Count} entries; the limit is {TrackingLimits.MaxExperimentIdsPerSearch}.");
        }

        // An id that cannot exist matches nothing, as in MLflow.
        var ids = experimentIds.Select(e => Core.Tracking.ExperimentId.TryParse(e, out var id) ? id : (ExperimentId?)null)
            .OfType<ExperimentId>().Distinct().ToList();
        var query = new RunQuery(
            ids,
            RunSearch.ParseFilter(request.Filter),
            RunSearch.ParseOrderBy(request.OrderBy),
            Defined(request.RunViewType, ViewType.ActiveOnly, "run_view_type"),
            TrackingValidation.MaxResults(request.MaxResults, TrackingLimits.DefaultSearchRunsResults, TrackingLimits.MaxSearchResults),
            PageToken.Decode(request.PageToken));
        var page = await store.SearchRunsAsync(query, cancellationToken);
        return MlflowResults.Json(
            new SearchRunsResponse(page.Items.Count == 0 ? null : page.Items.Select(r => r.ToDto()).ToList(), page.NextPageToken),
            Json.SearchRunsResponse);
    }

    private static async Task<IResult> SetTag(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.KeyValueRunRequest);
        var id = RunId(request.RunId, request.RunUuid);
        var tag = TrackingValidation.RunTag(Require(request.Key, "key"), request.Value);
        await store.LogBatchAsync(id, new LogBatch([], [], [tag]), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> DeleteTag(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.KeyValueRunRequest);
        var id = RunId(request.RunId, request.RunUuid);
        await store.DeleteTagAsync(id, Require(request.Key, "key"), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> LogModel(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.LogModelRequest);
        var id = RunId(request.RunId);
        var modelJson = LoggedModelJson.Validate(Require(request.ModelJson, "model_json"));
        await store.AppendLoggedModelAsync(id, modelJson, cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> LogInputs(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.LogInputsRequest);
        var id = RunId(request.RunId);
        var datasets = request.Datasets ?? [];
        if (datasets.Count > TrackingLimits.MaxDatasetsPerRequest)
        {
            throw CairnException.InvalidParameter($"A log-inputs request can hold at most {TrackingLimits.MaxDatasetsPerRequest} datasets.");
        }

        var inputs = datasets.Select(DatasetInputs.Validate).ToList();
        var models = (request.Models ?? []).Select(m => Require(m.ModelId, "models.model_id")).Distinct().ToList();
        await store.LogInputsAsync(id, inputs, models, cancellationToken);
        return MlflowResults.Empty;
    }
}
