namespace Cairn.Server.Features.Ui.Compare;

/// <summary>The five numbers of a box plot; quartiles by linear interpolation between ranks (type 7, as R and NumPy).</summary>
internal sealed record BoxStats(int Count, double Min, double Q1, double Median, double Q3, double Max)
{
    public static BoxStats Of(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return new BoxStats(sorted.Length, sorted[0], Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75), sorted[^1]);
    }

    private static double Quantile(double[] sorted, double q)
    {
        var rank = q * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
