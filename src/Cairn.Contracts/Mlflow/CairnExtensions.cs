namespace Cairn.Contracts.Mlflow;

// Cairn's extensions beside the MLflow routes (/api/2.0/cairn/...), in the same JSON dialect.

/// <summary>
/// <c>GET /api/2.0/cairn/metrics/get-history-downsampled</c>: <c>x_axis</c> is <c>step</c> (default), <c>wall</c> or
/// <c>relative</c>; <c>start</c>/<c>end</c> bound the x range in that axis's unit.
/// </summary>
public sealed record GetDownsampledHistoryRequest(string? RunId, string? MetricKey, long? Pixels, string? XAxis, double? Start, double? End);

public sealed record DownsampledPointDto(double X, long Step, long Timestamp, double Value);

public sealed record DownsampledBucketDto(double XStart, double XEnd, double Min, double Max, long Count);

/// <summary>
/// The line (<c>points</c>) and, when reduced, each bucket's min and max. <c>total_points</c> counts the stored points in
/// range; <c>method</c> is <c>none</c> (every point) or <c>minmax-lttb</c>; <c>bucket_width</c> is in x-axis units.
/// </summary>
public sealed record DownsampledHistoryResponse(
    string RunId,
    string MetricKey,
    string XAxis,
    string Method,
    long TotalPoints,
    double BucketWidth,
    List<DownsampledPointDto> Points,
    List<DownsampledBucketDto> Buckets);
