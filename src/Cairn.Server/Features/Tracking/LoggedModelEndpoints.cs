using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;
using Cairn.Server.Mlflow;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Tracking;

/// <summary>MLflow 3 logged models (<c>logged-models/*</c>) and run outputs (<c>runs/outputs</c>).</summary>
internal static class LoggedModelEndpoints
{
    private const int MaxParamsPerRequest = 100;
    private const int MaxSearchResults = 1000;
    private const int DefaultSearchResults = 100;
    private static MlflowJsonContext Json => MlflowJsonContext.Wire;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/logged-models", Create);
        group.MapPost("/logged-models/search", Search);
        group.MapGet("/logged-models/{modelId}", Get);
        group.MapPatch("/logged-models/{modelId}", FinalizeModel);
        group.MapDelete("/logged-models/{modelId}", Delete);
        group.MapPatch("/logged-models/{modelId}/tags", SetTags);
        group.MapDelete("/logged-models/{modelId}/tags/{**key}", DeleteTag);
        group.MapPost("/logged-models/{modelId}/params", LogParams);
        group.MapPost("/runs/outputs", LogOutputs);
    }

    private static async Task<IResult> Create(HttpContext context, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.CreateLoggedModelRequest);
        var experimentId = ExperimentId(request.ExperimentId);
        var name = string.IsNullOrEmpty(request.Name) ? RunNames.Generate(Random.Shared) : ValidateName(request.Name);
        var model = await store.CreateLoggedModelAsync(new NewLoggedModel(experimentId, name, request.ModelType, request.SourceRunId,
            Params(request.Params), Tags(request.Tags)), cancellationToken);
        return Respond(model);
    }

    private static async Task<IResult> Get(string modelId, HttpContext context, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        var allowDeleted = context.Request.Query["allow_deleted"].ToString().Equals("true", StringComparison.OrdinalIgnoreCase);
        var model = await store.GetLoggedModelAsync(modelId, allowDeleted, cancellationToken) ?? throw NotFound(modelId);
        return Respond(model);
    }

    private static async Task<IResult> FinalizeModel(string modelId, HttpContext context, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.FinalizeLoggedModelRequest);
        var status = request.Status ?? throw CairnException.MissingParameter("status");
        if (status is not (LoggedModelStatus.Ready or LoggedModelStatus.UploadFailed))
        {
            throw CairnException.InvalidParameter("A logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.");
        }

        return Respond(await store.FinalizeLoggedModelAsync(modelId, status, cancellationToken));
    }

    private static async Task<IResult> Delete(string modelId, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        await store.DeleteLoggedModelAsync(modelId, cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> Search(HttpContext context, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.SearchLoggedModelsRequest);
        if (request.ExperimentIds is not { Count: > 0 })
        {
            throw CairnException.MissingParameter("experiment_ids");
        }

        var ids = request.ExperimentIds.Select(e => Core.Tracking.ExperimentId.TryParse(e, out var id) ? id : (ExperimentId?)null).OfType<ExperimentId>().ToList();
        var datasets = LoggedModelSearch.ParseDatasets((request.Datasets ?? []).Select(d => (d.DatasetName, d.DatasetDigest)));
        var order = LoggedModelSearch.ParseOrder((request.OrderBy ?? []).Select(o => (o.FieldName, o.Ascending, o.DatasetName, o.DatasetDigest)));
        var fingerprint = LoggedModelPageToken.Fingerprint([
            string.Join(",", request.ExperimentIds), request.Filter,
            string.Join(",", datasets.Select(d => $"{d.Name}@{d.Digest}")),
            string.Join(",", order.Select(o => $"{o.Column}|{o.Metric}|{o.Ascending}|{o.Dataset?.Name}@{o.Dataset?.Digest}"))]);
        var maxResults = TrackingValidation.MaxResults(request.MaxResults, DefaultSearchResults, MaxSearchResults);
        var offset = LoggedModelPageToken.Decode(request.PageToken, fingerprint);
        var query = new LoggedModelQuery(ids, LoggedModelSearch.ParseFilter(request.Filter), maxResults, offset) { Datasets = datasets, OrderBy = order };
        var page = await store.SearchLoggedModelsAsync(query, cancellationToken);
        var next = page.NextPageToken is null ? null : LoggedModelPageToken.Encode(offset + maxResults, fingerprint);
        return MlflowResults.Json(new SearchLoggedModelsResponse(page.Items.Count == 0 ? null : page.Items.Select(ToDto).ToList(), next),
            Json.SearchLoggedModelsResponse);
    }

    private static async Task<IResult> SetTags(string modelId, HttpContext context, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.LoggedModelTagsRequest);
        await store.SetLoggedModelTagsAsync(modelId, Tags(request.Tags), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> DeleteTag(string modelId, string key, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        await store.DeleteLoggedModelTagAsync(modelId, key, cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> LogParams(string modelId, HttpContext context, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.LoggedModelParamsRequest);
        await store.LogLoggedModelParamsAsync(modelId, Params(request.Params), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> LogOutputs(HttpContext context, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.LogOutputsRequest);
        var runId = RunId(request.RunId);
        var outputs = (request.Models ?? []).Select(m => new ModelOutput(Require(m.ModelId, "models.model_id"), Require(m.Step, "models.step"))).ToList();
        await store.LogOutputsAsync(runId, outputs, cancellationToken);
        return MlflowResults.Empty;
    }

    private static string ValidateName(string name)
    {
        TrackingValidation.CheckLength("Logged model name", name, TrackingLimits.MaxRunNameLength);
        return name.IndexOfAny(['/', ':', '.', '%', '"', '\'']) < 0
            ? name
            : throw CairnException.InvalidParameter($"Invalid logged model name '{name}': it must not contain / : . % \" or '.");
    }

    private static List<KeyValue> Params(List<KeyValueDto>? parameters)
    {
        var list = parameters ?? [];
        if (list.Count > MaxParamsPerRequest)
        {
            throw CairnException.InvalidParameter($"A request can log at most {MaxParamsPerRequest} params; send the rest to logged-models/<id>/params.");
        }

        return TrackingValidation.UniqueParams(list.Select(p => TrackingValidation.Param(p.Key, p.Value)).ToList()).ToList();
    }

    private static List<KeyValue> Tags(List<KeyValueDto>? tags) =>
        TrackingValidation.LastTagWins((tags ?? []).Select(t => TrackingValidation.RunTag(t.Key, t.Value)).ToList()).ToList();

    private static CairnException NotFound(string modelId) => CairnException.NotFound($"Logged model with ID '{modelId}' not found.");

    private static IResult Respond(LoggedModel model) => MlflowResults.Json(new LoggedModelResponse(ToDto(model)), Json.LoggedModelResponse);

    private static LoggedModelDto ToDto(LoggedModel model) => new(
        new LoggedModelInfoDto(model.ModelId, model.ExperimentId.ToString(), model.Name, model.CreationTimestampMs, model.LastUpdatedTimestampMs,
            model.ArtifactUri, model.Status, model.ModelType, model.SourceRunId, model.StatusMessage,
            model.Tags.Count == 0 ? null : model.Tags.Select(t => new KeyValueDto(t.Key, t.Value)).ToList()),
        new LoggedModelDataDto(
            model.Params.Count == 0 ? null : model.Params.Select(p => new KeyValueDto(p.Key, p.Value)).ToList(),
            model.Metrics.Count == 0 ? null : model.Metrics.Select(m => new MetricDto(m.Metric.Key, m.Metric.Value, m.Metric.Timestamp, m.Metric.Step)
            {
                ModelId = m.ModelId,
                DatasetName = m.DatasetName,
                DatasetDigest = m.DatasetDigest,
            }).ToList()));
}
