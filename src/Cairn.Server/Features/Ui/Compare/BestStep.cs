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
        var cells = await store.GetMetricBucketsAsync(Coarsest(run, metricA), cancellationToken);
        if (Best(cells, lowerIsBetter) is not { } point)
        {
            return new BestStepResult(run, null, null);
        }

        double? other = null;
        await store.VisitMetricHistoryAsync(new MetricRangeQuery(run, metricB, point.Step, point.Step), m => other = m.Value, cancellationToken);
        return new BestStepResult(run, point, other);
    }

    /// <summary>
    /// <see cref="FindAsync"/> for several runs in two reads: the coarsest cells of A for all of them, then B at each
    /// run's best step. Fails if a run does not exist.
    /// </summary>
    public static async Task<IReadOnlyList<BestStepResult>> FindManyAsync(ITrackingStore store, IReadOnlyList<RunId> runs, string metricA, bool lowerIsBetter,
        string metricB, CancellationToken cancellationToken)
    {
        var cells = await store.GetMetricBucketsAsync([.. runs.Select(run => Coarsest(run, metricA))], cancellationToken);
        var best = cells.Select(c => Best(c, lowerIsBetter)).ToArray();
        var found = Enumerable.Range(0, runs.Count).Where(i => best[i] is not null).ToList();
        var other = new double?[runs.Count];

        // A run's points at one step arrive in (timestamp, value) order, so the last one visited is its value there.
        await store.VisitMetricHistoriesAsync([.. found.Select(i => new MetricRangeQuery(runs[i], metricB, best[i]!.Value.Step, best[i]!.Value.Step))],
            (query, metric) => other[found[query]] = metric.Value, cancellationToken);
        return [.. runs.Select((run, i) => new BestStepResult(run, best[i], best[i] is null ? null : other[i]))];
    }

    /// <summary>The whole history at the pyramid's coarsest level: one or a few cells, each with its exact min and max.</summary>
    private static MetricBucketQuery Coarsest(RunId run, string key)
    {
        var shift = MetricPyramid.Shifts[^1];
        return new MetricBucketQuery(run, key, shift, long.MinValue >> shift, long.MaxValue >> shift);
    }

    private static StepPoint? Best(IReadOnlyList<MetricStepBucket> cells, bool lowerIsBetter)
    {
        StepPoint? best = null;
        foreach (var cell in cells)
        {
            var candidate = lowerIsBetter ? cell.Min : cell.Max;
            if (candidate is { } c && (best is not { } b || (lowerIsBetter ? c.Value < b.Value : c.Value > b.Value)))
            {
                best = c;
            }
        }

        return best;
    }
}
