using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Tracking;
using Cairn.Server.Mlflow;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Tracking;

/// <summary>
/// Cairn's extension routes beside MLflow's, in MLflow's JSON dialect and error format. MLflow's own
/// <c>get-history</c> keeps returning every point; this one answers what a chart of <c>pixels</c> width can show.
/// </summary>
internal static class DownsampledHistoryEndpoints
{
    public const string Prefix = "/api/2.0/cairn";

    private static readonly MlflowJsonContext Json = MlflowJsonContext.Wire;

    public static IEndpointRouteBuilder MapCairnTrackingExtensions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).AddEndpointFilter<MlflowErrorFilter>();
        group.MapGet("/metrics/get-history-downsampled", GetDownsampled);
        return app;
    }

    private static async Task<IResult> GetDownsampled(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.GetDownsampledHistoryRequest);
        var id = RunId(request.RunId);
        var key = Require(request.MetricKey, "metric_key");
        var pixels = Require(request.Pixels, "pixels");
        if (pixels is < 1 or > MetricDownsampler.MaxPixels)
        {
            throw CairnException.InvalidParameter($"pixels must be between 1 and {MetricDownsampler.MaxPixels}; got {pixels}.");
        }

        var axis = MetricDownsampler.ParseAxis(request.XAxis);
        var history = await MetricDownsampler.LoadAsync(store, id, key, (int)pixels, axis, request.Start, request.End, cancellationToken);
        return MlflowResults.Json(new DownsampledHistoryResponse(
            id.Value, key, axis.ToString().ToLowerInvariant(), history.Method, history.TotalPoints, history.BucketWidth,
            history.Points.Select(p => new DownsampledPointDto(p.X, p.Step, p.Timestamp, p.Value)).ToList(),
            history.Buckets.Select(b => new DownsampledBucketDto(b.XStart, b.XEnd, b.Min, b.Max, b.Count)).ToList()), Json.DownsampledHistoryResponse);
    }
}
