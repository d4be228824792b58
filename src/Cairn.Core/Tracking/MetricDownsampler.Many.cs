namespace Cairn.Core.Tracking;

public sealed partial class MetricDownsampler
{
    /// <summary>
    /// <see cref="LoadAsync"/> for several series (a run and a metric each) with the same results, in a few reads instead
    /// of two or three per series: the write-time summaries say which histories hold at most two points per pixel; those,
    /// and every history on a time axis, are drawn from all their points, which come in one read for all the series
    /// (the pyramid would fall back to the points for them anyway). A longer history on the step axis takes
    /// <see cref="LoadAsync"/>'s pyramid read. Fails, as <see cref="LoadAsync"/> does, if a run does not exist.
    /// </summary>
    public static async Task<IReadOnlyList<DownsampledHistory>> LoadManyAsync(ITrackingStore store, IReadOnlyList<(RunId Run, string Key)> series, int pixels,
        ChartXAxis axis, double? start, double? end, CancellationToken cancellationToken)
    {
        CheckRequest(pixels, start, end);
        var results = new DownsampledHistory[series.Count];
        var whole = Enumerable.Range(0, series.Count).ToList();
        if (axis == ChartXAxis.Step)
        {
            var counts = (await store.GetMetricSummariesAsync([.. series.Select(s => s.Run).Distinct()], cancellationToken))
                .ToDictionary(s => (s.RunId, s.Key), s => s.Count);
            whole = [.. whole.Where(i => counts.GetValueOrDefault(series[i]) <= 2L * pixels)];
        }

        // The same ranges LoadAsync reads the points in: on the step axis the range goes to the database.
        var (low, high) = axis == ChartXAxis.Step
            ? (start is { } s ? (long)Math.Ceiling(s) : (long?)null, end is { } e ? (long)Math.Floor(e) : (long?)null)
            : (null, null);
        var samplers = whole.Select(_ => new MetricDownsampler(pixels, axis, start, end)).ToArray();
        await store.VisitMetricHistoriesAsync([.. whole.Select(i => new MetricRangeQuery(series[i].Run, series[i].Key, low, high))],
            (query, metric) => samplers[query].Add(metric), cancellationToken);
        for (var j = 0; j < whole.Count; j++)
        {
            results[whole[j]] = samplers[j].Result();
        }

        for (var i = 0; i < series.Count; i++)
        {
            results[i] ??= await LoadAsync(store, series[i].Run, series[i].Key, pixels, axis, start, end, cancellationToken);
        }

        return results;
    }
}
