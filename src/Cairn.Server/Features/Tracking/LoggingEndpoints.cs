using Cairn.Contracts.Mlflow;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;
using Cairn.Server.Mlflow;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Tracking;

/// <summary>log-metric, log-parameter and log-batch: all three are one atomic batch write.</summary>
internal static class LoggingEndpoints
{
    private static readonly MlflowJsonContext Json = MlflowJsonContext.Wire;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/runs/log-metric", LogMetric);
        group.MapPost("/runs/log-parameter", LogParameter);
        group.MapPost("/runs/log-batch", LogBatch);
    }

    private static async Task<IResult> LogMetric(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.LogMetricRequest);
        var id = RunId(request.RunId, request.RunUuid);
        var metric = TrackingValidation.Metric(request.Key, request.Value, request.Timestamp, request.Step);
        var batch = new LogBatch([metric], [], []);
        if (!string.IsNullOrEmpty(request.ModelId))
        {
            batch = batch with { ModelMetrics = [new ModelMetric(request.ModelId, metric, request.DatasetName, request.DatasetDigest)] };
        }

        await store.LogBatchAsync(id, batch, cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> LogParameter(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.KeyValueRunRequest);
        var id = RunId(request.RunId, request.RunUuid);
        var param = TrackingValidation.Param(Require(request.Key, "key"), request.Value);
        await store.LogBatchAsync(id, new LogBatch([], [param], []), cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> LogBatch(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.LogBatchRequest, TrackingLimits.MaxBatchBodyBytes);
        var id = RunId(request.RunId);
        var metrics = request.Metrics ?? [];
        var parameters = request.Params ?? [];
        var tags = request.Tags ?? [];
        TrackingValidation.BatchSize(metrics.Count, parameters.Count, tags.Count);
        var points = metrics.Select(m => TrackingValidation.Metric(m.Key, m.Value, m.Timestamp, m.Step)).ToList();
        var batch = new LogBatch(
            points,
            TrackingValidation.UniqueParams(parameters.Select(p => TrackingValidation.Param(p.Key, p.Value)).ToList()),
            TrackingValidation.LastTagWins(tags.Select(t => TrackingValidation.RunTag(t.Key, t.Value)).ToList()))
        {
            ModelMetrics = metrics.Select((m, i) => (m, i)).Where(p => !string.IsNullOrEmpty(p.m.ModelId))
                .Select(p => new ModelMetric(p.m.ModelId!, points[p.i], p.m.DatasetName, p.m.DatasetDigest)).ToList(),
        };
        // An empty batch still names a run that must exist and be active, so it goes to the store too.
        await store.LogBatchAsync(id, batch, cancellationToken);
        return MlflowResults.Empty;
    }
}
