using System.Globalization;

namespace Cairn.Server.Features.Ui.Compare;

/// <summary>A linear map from a value range onto a pixel range, for the compare page's plots.</summary>
internal readonly record struct PlotScale(double Min, double Max, double From, double To)
{
    public static PlotScale Of(IEnumerable<double> values, double from, double to)
    {
        var list = values.ToList();
        var (min, max) = list.Count > 0 ? (list.Min(), list.Max()) : (0, 1);
        return max > min ? new(min, max, from, to) : new(min - 1, max + 1, from, to);
    }

    public double Map(double value) => From + (value - Min) / (Max - Min) * (To - From);

    /// <summary>A pixel coordinate as SVG wants it (invariant culture, one decimal).</summary>
    public static string Px(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);
}
