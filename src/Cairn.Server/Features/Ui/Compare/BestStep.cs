using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui.Compare;

/// <summary>Where metric A was best in a run, and metric B's value at that step.</summary>
internal sealed record BestStepResult(RunId Run, StepPoint? Best, double? Other);

/// <summary>
/// "Value of metric B at the best step of metric A" (say, test accuracy at the lowest validation loss). The best point
/// of A comes from the coarsest level of the write-time pyramid, whose cells keep their exact min and max with the
/// step, so no history is read; B is read at that one step (its last point there by time).
/// </summary>
internal static class BestStep
{
    public static async Task<BestStepResult> FindAsync(ITrackingStore store, RunId run, string metricA, bool lowerIsBetter, string metricB,
        CancellationToken cancellationToken)
    {
        var shift = MetricPyramid.Shifts[^1];
        var cells = await store.GetMetricBucketsAsync(new MetricBucketQuery(run, metricA, shift, long.MinValue >> shift, long.MaxValue >> shift), cancellationToken);
        StepPoint? best = null;
        foreach (var cell in cells)
        {
            var candidate = lowerIsBetter ? cell.Min : cell.Max;
            if (candidate is { } c && (best is not { } b || (lowerIsBetter ? c.Value < b.Value : c.Value > b.Value)))
            {
                best = c;
            }
        }

        if (best is not { } point)
        {
            return new BestStepResult(run, null, null);
        }

        double? other = null;
        await store.VisitMetricHistoryAsync(new MetricRangeQuery(run, metricB, point.Step, point.Step), m => other = m.Value, cancellationToken);
        return new BestStepResult(run, point, other);
    }
}
