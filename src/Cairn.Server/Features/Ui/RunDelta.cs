using System.Globalization;
using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui;

/// <summary>
/// A metric cell's difference against the pinned baseline run: Δ = value − baseline, %Δ = Δ / |baseline|. The runs
/// table shows one of them and names the other in the cell's title.
/// </summary>
internal static class RunDelta
{
    /// <summary>The number a metric column shows for a run, or null when the run has none (or the column is not a metric).</summary>
    public static double? NumberOf(RunColumn column, RunId run, IReadOnlyDictionary<(RunId, string), RunMetricSummary> summaries)
    {
        if (column.Kind != Core.Search.FilterEntity.Metric || !summaries.TryGetValue((run, column.Key), out var s))
        {
            return null;
        }

        return column.Aggregate switch
        {
            Core.Search.MetricAggregate.Min => s.Min,
            Core.Search.MetricAggregate.Max => s.Max,
            Core.Search.MetricAggregate.Count => s.Count,
            _ => s.Last,
        };
    }

    public static string Absolute(double value, double baseline) => Signed(value - baseline, UiFormat.Number(Math.Abs(value - baseline)));

    public static string Percent(double value, double baseline)
    {
        if (baseline == 0 || double.IsNaN(value) || double.IsNaN(baseline))
        {
            return "—";
        }

        var percent = (value - baseline) / Math.Abs(baseline) * 100;
        return Signed(percent, Math.Abs(percent).ToString("0.##", CultureInfo.InvariantCulture) + " %");
    }

    /// <summary>"up", "down" or "same", for the cell's colour (which direction is good depends on the metric).</summary>
    public static string Direction(double value, double baseline) => value > baseline ? "up" : value < baseline ? "down" : "same";

    private static string Signed(double difference, string magnitude) => double.IsNaN(difference) ? "—" : difference > 0 ? "+" + magnitude : difference < 0 ? "−" + magnitude : "±0";
}
