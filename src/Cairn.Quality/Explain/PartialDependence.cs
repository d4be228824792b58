namespace Cairn.Quality.Explain;

/// <summary>One feature's ICE curves (one per row, over the grid) and their mean, the partial dependence.</summary>
public sealed record PartialDependenceResult(string Feature, IReadOnlyList<object> Grid, double[][] Ice, double[] Average)
{
    /// <summary>Centered ICE: each curve minus its value at the first grid point.</summary>
    public double[][] CenteredIce() => Ice.Select(curve => curve.Select(v => v - curve[0]).ToArray()).ToArray();
}

/// <summary>
/// Partial dependence and individual conditional expectation by brute force, as scikit-learn's
/// <c>partial_dependence(method="brute", kind="both")</c>: ICEᵢ(v) = f(xᵢ with the feature set to v), PDP(v) = mean over
/// rows. The grid follows scikit-learn: the unique values when there are fewer than the resolution, else evenly spaced
/// points between two percentiles (5th and 95th by default) computed as <c>scipy.stats.mstats.mquantiles</c> does.
/// </summary>
public static class PartialDependence
{
    public const int DefaultResolution = 100;

    /// <summary>The grid of a numeric feature (missing values are ignored).</summary>
    public static double[] NumericGrid(IEnumerable<double> values, int resolution = DefaultResolution, double lowPercentile = 0.05, double highPercentile = 0.95)
    {
        if (resolution < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "The grid needs at least two points.");
        }

        if (!(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 1))
        {
            throw new ArgumentException("Percentiles must satisfy 0 ≤ low < high ≤ 1.");
        }

        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("The feature has no values.");
        }

        var unique = sorted.Distinct().ToArray();
        if (unique.Length < resolution)
        {
            return unique;
        }

        double low = MQuantile(sorted, lowPercentile), high = MQuantile(sorted, highPercentile);
        if (Math.Abs(high - low) <= 1e-8 + 1e-5 * Math.Abs(high))
        {
            throw new ArgumentException("The percentiles are too close to each other to build a grid; choose percentiles further apart.");
        }

        var grid = new double[resolution];
        for (int i = 0; i < resolution; i++)
        {
            grid[i] = i == resolution - 1 ? high : low + (high - low) * i / (resolution - 1);
        }

        return grid;
    }

    /// <summary>The grid of a categorical feature: its values, most frequent first, at most <paramref name="resolution"/> of them.</summary>
    public static string[] CategoricalGrid(IEnumerable<string?> values, int resolution = DefaultResolution) =>
        values.Select(v => v ?? "").GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal).Take(resolution).Select(g => g.Key).ToArray();

    /// <summary>
    /// Quantile with plotting positions α = β = 0.4 (scipy's <c>mquantiles</c> default, which scikit-learn's grid uses):
    /// m = α + p(1 − α − β), aleph = n·p + m, k = floor(clip(aleph, 1, n − 1)), γ = clip(aleph − k, 0, 1),
    /// q = (1 − γ)·x₍ₖ₎ + γ·x₍ₖ₊₁₎ on the sorted values (1-based).
    /// </summary>
    public static double MQuantile(double[] sorted, double p)
    {
        const double alpha = 0.4, beta = 0.4;
        int n = sorted.Length;
        if (n == 1)
        {
            return sorted[0];
        }

        double m = alpha + p * (1 - alpha - beta);
        double aleph = n * p + m;
        int k = (int)Math.Floor(Math.Clamp(aleph, 1, n - 1));
        double gamma = Math.Clamp(aleph - k, 0, 1);
        return (1 - gamma) * sorted[k - 1] + gamma * sorted[k];
    }

    /// <summary>
    /// ICE and PDP for one feature over <paramref name="grid"/>. <paramref name="predictGrid"/> returns, for grid point g,
    /// the model output of every row with the feature set to grid[g] (so a caller can batch the rows of one point).
    /// </summary>
    public static PartialDependenceResult Compute(string feature, IReadOnlyList<object> grid, int rows, Func<int, double[]> predictGrid)
    {
        var ice = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            ice[r] = new double[grid.Count];
        }

        for (int g = 0; g < grid.Count; g++)
        {
            var outputs = predictGrid(g);
            if (outputs.Length != rows)
            {
                throw new InvalidOperationException($"Grid point {g}: {outputs.Length} predictions for {rows} rows.");
            }

            for (int r = 0; r < rows; r++)
            {
                ice[r][g] = outputs[r];
            }
        }

        var average = new double[grid.Count];
        for (int g = 0; g < grid.Count; g++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++)
            {
                sum += ice[r][g];
            }

            average[g] = rows == 0 ? double.NaN : sum / rows;
        }

        return new PartialDependenceResult(feature, grid, ice, average);
    }
}
