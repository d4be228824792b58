using System.Globalization;

namespace Cairn.Training.Plots;

/// <summary>Maps a data interval onto a pixel interval and picks round tick values (1, 2 or 5 × 10ⁿ).</summary>
public sealed record LinearScale(double DomainMin, double DomainMax, double RangeMin, double RangeMax)
{
    public double Map(double value) =>
        RangeMin + (value - DomainMin) / (DomainMax - DomainMin) * (RangeMax - RangeMin);

    public IReadOnlyList<double> Ticks(int target = 5)
    {
        double step = Step(DomainMin, DomainMax, target);
        var ticks = new List<double>();
        for (double tick = Math.Ceiling(DomainMin / step - 1e-9) * step; tick <= DomainMax + step * 1e-9; tick += step)
        {
            ticks.Add(Math.Round(tick / step) * step);
        }

        return ticks;
    }

    /// <summary>A domain covering [min, max] widened to whole tick steps, so the axis starts and ends on a tick.</summary>
    public static (double Min, double Max) NiceDomain(double min, double max, int target = 5)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException("Plot values must be finite.");
        }

        if (max - min < 1e-12)
        {
            (min, max) = (min - 1, max + 1);
        }

        double step = Step(min, max, target);
        return (Math.Floor(min / step + 1e-9) * step, Math.Ceiling(max / step - 1e-9) * step);
    }

    public static string Label(double tick)
    {
        double value = Math.Abs(tick) < 1e-12 ? 0 : tick;
        return value.ToString("0.####", CultureInfo.InvariantCulture);
    }

    private static double Step(double min, double max, int target)
    {
        double raw = (max - min) / target;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double normalised = raw / magnitude;
        return (normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10) * magnitude;
    }
}
