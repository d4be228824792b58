using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;
using Cairn.Server.Mlflow;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Tracking;

internal static class MetricHistoryEndpoints
{
    private static readonly MlflowJsonContext Json = MlflowJsonContext.Wire;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/metrics/get-history", GetHistory);
        group.MapGet("/metrics/get-history-bulk-interval", GetHistoryBulkInterval);
        group.MapGet("/metrics/get-history-bulk", GetHistoryBulk);
    }

    private static async Task<IResult> GetHistory(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.GetMetricHistoryRequest);
        var id = RunId(request.RunId, request.RunUuid);
        var key = Require(request.MetricKey, "metric_key");
        var maxResults = TrackingValidation.MaxResults(request.MaxResults, TrackingLimits.MaxHistoryPage, TrackingLimits.MaxHistoryPage);
        var page = await store.GetMetricHistoryAsync(new MetricHistoryQuery(id, key, maxResults, PageToken.Decode(request.PageToken)), cancellationToken);
        return MlflowResults.Json(
            new MetricHistoryResponse(page.Items.Count == 0 ? null : page.Items.Select(m => m.ToDto()).ToList(), page.NextPageToken),
            Json.MetricHistoryResponse);
    }

    private static async Task<IResult> GetHistoryBulkInterval(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.GetMetricHistoryBulkIntervalRequest);
        var runIds = RunIds(request.RunIds, "run_ids");
        var key = Require(request.MetricKey, "metric_key");
        if ((request.StartStep is null) != (request.EndStep is null))
        {
            throw CairnException.InvalidParameter("If either start step or end step are specified, both must be specified.");
        }

        if (request.StartStep > request.EndStep)
        {
            throw CairnException.InvalidParameter(
                $"end_step must be greater than start_step. Found start_step={request.StartStep} and end_step={request.EndStep}.");
        }

        var maxResults = TrackingValidation.MaxResults(request.MaxResults, TrackingLimits.MaxBulkIntervalResults, TrackingLimits.MaxBulkIntervalResults);
        var points = await store.GetMetricHistoryBulkIntervalAsync(
            new BulkIntervalQuery(runIds, key, request.StartStep, request.EndStep, maxResults), cancellationToken);
        return MlflowResults.Json(new MetricsWithRunIdResponse(points.Count == 0 ? null : points.Select(p => p.ToDto()).ToList()),
            Json.MetricsWithRunIdResponse);
    }

    /// <summary>The UI's bulk history: every point of up to 100 runs, sorted by run id, timestamp, step and value.</summary>
    private static async Task<IResult> GetHistoryBulk(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.GetMetricHistoryBulkRequest);
        var runIds = RunIds(request.RunId, "run_id");
        var key = Require(request.MetricKey, "metric_key");
        var maxResults = TrackingValidation.MaxResults(request.MaxResults, TrackingLimits.MaxBulkPointsPerRun, TrackingLimits.MaxBulkPointsPerRun);
        var points = new List<MetricWithRunIdDto>();
        foreach (var id in runIds.Distinct().OrderBy(r => r.Value, StringComparer.Ordinal))
        {
            var page = await store.GetMetricHistoryAsync(new MetricHistoryQuery(id, key, maxResults, 0), cancellationToken);
            points.AddRange(page.Items
                .OrderBy(m => m.Timestamp).ThenBy(m => m.Step).ThenBy(m => m.Value)
                .Select(m => new MetricWithRunIdDto(m.Key, m.Value, m.Timestamp, m.Step, id.Value)));
        }

        return MlflowResults.Json(new MetricsWithRunIdResponse(points.Count == 0 ? null : points), Json.MetricsWithRunIdResponse);
    }

    private static List<RunId> RunIds(List<string>? ids, string field)
    {
        if (ids is null || ids.Count == 0)
        {
            throw CairnException.MissingParameter(field);
        }

        if (ids.Count > TrackingLimits.MaxBulkRunIds)
        {
            throw CairnException.InvalidParameter(
                $"GetMetricHistoryBulk request cannot specify more than {TrackingLimits.MaxBulkRunIds} run_ids. Received {ids.Count} run_ids.");
        }

        return ids.Select(i => RunId(i)).ToList();
    }
}
