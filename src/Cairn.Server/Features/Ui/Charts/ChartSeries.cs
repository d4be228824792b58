using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui.Charts;

/// <summary>One line of a chart: a run's metric, its legend label and, for mean ± std bands, the group it belongs to.</summary>
public sealed record ChartSeries(RunId Run, string Key, string Label, string? Group = null);

/// <summary>A series as loaded: its downsampled history, or the error that stopped it.</summary>
public sealed record LoadedSeries(ChartSeries Series, DownsampledHistory? History, string? Error);

/// <summary>The mean and standard deviation of a group's runs at one x, over the runs whose line covers that x.</summary>
public readonly record struct BandPoint(double X, double Mean, double Std, int Runs);

/// <summary>Statistics a chart draws besides the lines: outlier-ignoring y ranges and mean ± std bands of grouped runs.</summary>
internal static class ChartStatistics
{
    /// <summary>Percentiles that bound the y axis when outliers are ignored: the 1st to the 99th of the drawn points.</summary>
    public const double LowPercentile = 0.01;
    public const double HighPercentile = 0.99;

    /// <summary>
    /// The y range from the 1st to the 99th percentile (nearest rank) of the values; null when there are fewer than
    /// ten, where a percentile would just be the extreme.
    /// </summary>
    public static (double Low, double High)? PercentileRange(IReadOnlyCollection<double> values)
    {
        if (values.Count < 10)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        return (sorted[(int)Math.Floor(LowPercentile * (sorted.Length - 1))], sorted[(int)Math.Ceiling(HighPercentile * (sorted.Length - 1))]);
    }

    /// <summary>
    /// Mean ± std of several lines on a common grid of <paramref name="columns"/> x values: each line is linearly
    /// interpolated at a grid x inside its own x range; grid points no line covers are left out.
    /// </summary>
    public static List<BandPoint> Band(IReadOnlyList<IReadOnlyList<(double X, double Value)>> lines, double xMin, double xMax, int columns)
    {
        var band = new List<BandPoint>(columns);
        var cursors = new int[lines.Count];
        for (var c = 0; c < columns; c++)
        {
            var x = columns == 1 ? xMin : xMin + (xMax - xMin) * c / (columns - 1);
            double sum = 0, squares = 0;
            var n = 0;
            for (var l = 0; l < lines.Count; l++)
            {
                if (Interpolate(lines[l], x, ref cursors[l]) is { } y)
                {
                    (sum, squares, n) = (sum + y, squares + y * y, n + 1);
                }
            }

            if (n > 0)
            {
                var mean = sum / n;
                band.Add(new BandPoint(x, mean, Math.Sqrt(Math.Max(squares / n - mean * mean, 0)), n));
            }
        }

        return band;
    }

    /// <summary>The line's value at <paramref name="x"/>, walking forward from <paramref name="cursor"/> (x only grows).</summary>
    private static double? Interpolate(IReadOnlyList<(double X, double Value)> line, double x, ref int cursor)
    {
        if (line.Count == 0 || x < line[0].X || x > line[^1].X)
        {
            return null;
        }

        while (cursor + 1 < line.Count && line[cursor + 1].X < x)
        {
            cursor++;
        }

        var a = line[cursor];
        if (cursor + 1 >= line.Count || a.X >= x)
        {
            return a.Value;
        }

        var b = line[cursor + 1];
        return b.X == a.X ? b.Value : a.Value + (b.Value - a.Value) * (x - a.X) / (b.X - a.X);
    }
}
