namespace Cairn.Core.Tracking;

/// <summary>
/// One metric of one run as kept at write time: the latest point by (step, timestamp, value), the minimum and maximum
/// over all non-NaN points (null when every point is NaN) and the number of points.
/// </summary>
public sealed record RunMetricSummary(RunId RunId, string Key, double Last, long LastStep, long LastTimestamp, double? Min, double? Max, long Count);

/// <summary>A step range of one metric's history, read in step order for downsampling.</summary>
public sealed record MetricRangeQuery(RunId RunId, string Key, long? StartStep, long? EndStep);
