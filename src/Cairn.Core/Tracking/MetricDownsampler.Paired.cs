namespace Cairn.Core.Tracking;

public sealed partial class MetricDownsampler
{
    /// <summary>
    /// One metric against another of the same run (say accuracy against loss). The pairing rule: a point of
    /// <paramref name="key"/> at step s is placed at x = the value <paramref name="xKey"/> logged at the same step s (its
    /// last one when it logged several there); points at a step where the x metric has no value, or a NaN or infinite one, are left out
    /// and not counted. The pairs are then sorted by x and reduced like any history (min/max per bucket of x, then LTTB),
    /// so a spike stays visible; <paramref name="start"/>/<paramref name="end"/> bound x in the x metric's unit.
    /// </summary>
    public static async Task<DownsampledHistory> LoadAgainstAsync(ITrackingStore store, RunId runId, string key, string xKey, int pixels,
        double? start, double? end, CancellationToken cancellationToken)
    {
        CheckRequest(pixels, start, end);

        // Both histories arrive in step order, so one pass over each pairs them (a merge join) without a lookup table.
        var xs = new List<(long Step, double Value)>();
        await store.VisitMetricHistoryAsync(new MetricRangeQuery(runId, xKey, null, null), m =>
        {
            if (xs.Count > 0 && xs[^1].Step == m.Step)
            {
                xs[^1] = (m.Step, m.Value);
            }
            else
            {
                xs.Add((m.Step, m.Value));
            }
        }, cancellationToken);

        var sampler = new MetricDownsampler(pixels, ChartXAxis.Metric, start, end);
        if (xs.Count == 0)
        {
            return sampler.Result();
        }

        var cursor = 0;
        await store.VisitMetricHistoryAsync(new MetricRangeQuery(runId, key, xs[0].Step, xs[^1].Step), m =>
        {
            while (cursor < xs.Count && xs[cursor].Step < m.Step)
            {
                cursor++;
            }

            if (cursor < xs.Count && xs[cursor].Step == m.Step && double.IsFinite(xs[cursor].Value))
            {
                sampler.AddAt(xs[cursor].Value, m);
            }
        }, cancellationToken);
        return sampler.Result();
    }

    /// <summary>Adds a point at an x the caller chose (another metric's value).</summary>
    private void AddAt(double x, Metric metric)
    {
        if (x < _start || x > _end)
        {
            return;
        }

        _total++;
        if (!double.IsNaN(metric.Value))
        {
            _points.Add(new ChartPoint(x, metric.Step, metric.Timestamp, metric.Value));
        }
    }
}
