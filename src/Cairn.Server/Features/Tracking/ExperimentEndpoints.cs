using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;
using Cairn.Server.Mlflow;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Tracking;

internal static class ExperimentEndpoints
{
    private static readonly MlflowJsonContext Json = MlflowJsonContext.Wire;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/experiments/create", Create);
        group.MapGet("/experiments/get", Get);
        group.MapGet("/experiments/get-by-name", GetByName);
        group.MapMethods("/experiments/search", ["GET", "POST"], Search);
        group.MapGet("/experiments/list", List);
        group.MapPost("/experiments/delete", Delete);
        group.MapPost("/experiments/restore", Restore);
        group.MapPost("/experiments/update", Update);
        group.MapPost("/experiments/set-experiment-tag", SetTag);

        // The npm `mlflow` client (2.0.7) posts here, missing a slash; serving it keeps that client working.
        group.MapPost("/experimentsset-experiment-tag", SetTag);
    }

    private static async Task<IResult> Create(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.CreateExperimentRequest);
        var name = TrackingValidation.ExperimentName(Require(request.Name, "name"));
        var location = ValidateArtifactLocation(request.ArtifactLocation);
        var tags = (request.Tags ?? []).Select(t => TrackingValidation.ExperimentTag(t.Key, t.Value)).ToList();
        var id = await store.CreateExperimentAsync(name, location, tags, cancellationToken);
        return MlflowResults.Json(new CreateExperimentResponse(id.ToString()), Json.CreateExperimentResponse);
    }

    private static async Task<IResult> Get(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ExperimentIdRequest);
        var id = ExperimentId(request.ExperimentId);
        var experiment = await store.GetExperimentAsync(id, cancellationToken)
            ?? throw CairnException.NotFound($"No Experiment with id={id} exists");
        return MlflowResults.Json(new ExperimentResponse(experiment.ToDto()), Json.ExperimentResponse);
    }

    private static async Task<IResult> GetByName(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.GetExperimentByNameRequest);
        var name = Require(request.ExperimentName, "experiment_name");
        var experiment = await store.GetExperimentByNameAsync(name, cancellationToken)
            ?? throw CairnException.NotFound($"Could not find experiment with name '{name}'");
        return MlflowResults.Json(new ExperimentResponse(experiment.ToDto()), Json.ExperimentResponse);
    }

    private static async Task<IResult> Search(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.SearchExperimentsRequest);
        var query = new ExperimentQuery(
            ExperimentSearch.ParseFilter(request.Filter),
            ExperimentSearch.ParseOrderBy(request.OrderBy),
            Defined(request.ViewType, ViewType.ActiveOnly, "view_type"),
            TrackingValidation.MaxResults(request.MaxResults, TrackingLimits.DefaultSearchRunsResults, TrackingLimits.MaxSearchResults),
            PageToken.Decode(request.PageToken));
        return await SearchResponse(store, query, cancellationToken);
    }

    /// <summary>MLflow 1.x <c>experiments/list</c>, kept for older clients: every experiment of the view type.</summary>
    private static async Task<IResult> List(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ListExperimentsRequest);
        var query = new ExperimentQuery([], [], Defined(request.ViewType, ViewType.ActiveOnly, "view_type"),
            TrackingValidation.MaxResults(request.MaxResults, TrackingLimits.MaxSearchResults, TrackingLimits.MaxSearchResults),
            PageToken.Decode(request.PageToken));
        return await SearchResponse(store, query, cancellationToken);
    }

    private static async Task<IResult> SearchResponse(ITrackingStore store, ExperimentQuery query, CancellationToken cancellationToken)
    {
        var page = await store.SearchExperimentsAsync(query, cancellationToken);
        return MlflowResults.Json(
            new SearchExperimentsResponse(page.Items.Count == 0 ? null : page.Items.Select(e => e.ToDto()).ToList(), page.NextPageToken),
            Json.SearchExperimentsResponse);
    }

    private static async Task<IResult> Delete(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ExperimentIdRequest);
        await store.DeleteExperimentAsync(ExperimentId(request.ExperimentId), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> Restore(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ExperimentIdRequest);
        await store.RestoreExperimentAsync(ExperimentId(request.ExperimentId), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> Update(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.UpdateExperimentRequest);
        var id = ExperimentId(request.ExperimentId);
        var name = TrackingValidation.ExperimentName(Require(request.NewName, "new_name"));
        await store.RenameExperimentAsync(id, name, cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> SetTag(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.SetExperimentTagRequest);
        var id = ExperimentId(request.ExperimentId);
        var tag = TrackingValidation.ExperimentTag(Require(request.Key, "key"), request.Value);
        await store.SetExperimentTagAsync(id, tag, cancellationToken);
        return MlflowResults.Empty;
    }

    /// <summary>
    /// The location is only a label (artifacts always go under the managed root), but it is still checked
    /// so that nothing that looks like a smuggled path or URL fragment is stored.
    /// </summary>
    private static string? ValidateArtifactLocation(string? location)
    {
        if (string.IsNullOrEmpty(location))
        {
            return null;
        }

        TrackingValidation.CheckLength("artifact_location", location, TrackingLimits.MaxArtifactLocationLength);
        if (location.Contains('#', StringComparison.Ordinal) || location.Contains(';', StringComparison.Ordinal)
            || location.Contains('\0', StringComparison.Ordinal))
        {
            throw CairnException.InvalidParameter($"Invalid artifact_location '{location}': URL fragments and parameters are not allowed.");
        }

        var query = location.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0 && Uri.UnescapeDataString(location[query..]).Contains("..", StringComparison.Ordinal))
        {
            throw CairnException.InvalidParameter($"Invalid artifact_location '{location}': the query must not contain '..'.");
        }

        if (location.StartsWith("runs:", StringComparison.OrdinalIgnoreCase))
        {
            throw CairnException.InvalidParameter("Invalid artifact_location: runs:/ URIs are not allowed for experiments.");
        }

        return location;
    }
}
