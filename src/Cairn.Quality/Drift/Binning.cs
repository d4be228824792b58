namespace Cairn.Quality.Drift;

/// <summary>
/// Histogram edges and counts with NumPy's semantics: Sturges equal-width edges over [min, max]
/// (<c>np.histogram_bin_edges(x, "sturges")</c>) and counts where bin i holds [e_i, e_{i+1}) and the last bin is
/// closed, found by binary search on the edges.
/// </summary>
public static class Binning
{
    /// <summary>A numeric column is binned (rather than treated value by value) when its reference has more distinct values than this.</summary>
    public const int MaxDiscreteValues = 20;

    /// <summary>Sturges' edges for <paramref name="count"/> values spanning [min, max]: width = range / (log2(count) + 1), ceil(range / width) bins.</summary>
    public static double[] SturgesEdges(double min, double max, long count)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || max < min || count < 1)
        {
            throw new ArgumentException($"Cannot bin {count} values over [{min}, {max}].");
        }

        if (min == max)
        {
            // NumPy widens an empty range by 0.5 each way and uses one bin.
            return [min - 0.5, max + 0.5];
        }

        double width = (max - min) / (Math.Log2(count) + 1);
        int bins = Math.Max(1, (int)Math.Ceiling((max - min) / width));
        var edges = new double[bins + 1];
        double step = (max - min) / bins;
        for (int i = 0; i < bins; i++)
        {
            edges[i] = i * step + min;
        }

        edges[bins] = max;
        return edges;
    }

    /// <summary>
    /// The bin of <paramref name="value"/>: 0..k−1 inside [e_0, e_k] (last bin closed), −1 below e_0, k above e_k,
    /// where k = edges.Length − 1.
    /// </summary>
    public static int BinOf(double value, ReadOnlySpan<double> edges)
    {
        int k = edges.Length - 1;
        if (value < edges[0])
        {
            return -1;
        }

        if (value >= edges[k])
        {
            return value == edges[k] ? k - 1 : k;
        }

        // Largest i with edges[i] <= value.
        int lo = 0, hi = k;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= value)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary><c>np.histogram(values, edges)[0]</c>: counts per bin; values outside [e_0, e_k] are not counted.</summary>
    public static long[] Histogram(ReadOnlySpan<double> values, ReadOnlySpan<double> edges)
    {
        var counts = new long[edges.Length - 1];
        foreach (double value in values)
        {
            int bin = BinOf(value, edges);
            if (bin >= 0 && bin < counts.Length)
            {
                counts[bin]++;
            }
        }

        return counts;
    }

    /// <summary>
    /// Evidently's <c>get_binned_data</c> on two raw samples, for comparison with the reference tools (our baselines
    /// freeze bins instead): a numeric sample whose reference has more than 20 distinct values gets Sturges edges over
    /// R ∪ C; otherwise every distinct value of R ∪ C is a category. Returns the shares (r, c), not zero-filled.
    /// </summary>
    public static (double[] Reference, double[] Current) UnionShares(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        var distinctR = new HashSet<double>();
        foreach (double v in reference)
        {
            distinctR.Add(v);
        }

        if (distinctR.Count > MaxDiscreteValues)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (double v in reference)
            {
                (min, max) = (Math.Min(min, v), Math.Max(max, v));
            }

            foreach (double v in current)
            {
                (min, max) = (Math.Min(min, v), Math.Max(max, v));
            }

            var edges = SturgesEdges(min, max, reference.Length + current.Length);
            return (Shares(Histogram(reference, edges), reference.Length), Shares(Histogram(current, edges), current.Length));
        }

        var keys = new SortedSet<double>(distinctR);
        foreach (double v in current)
        {
            keys.Add(v);
        }

        var index = keys.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i);
        var r = new long[keys.Count];
        var c = new long[keys.Count];
        foreach (double v in reference)
        {
            r[index[v]]++;
        }

        foreach (double v in current)
        {
            c[index[v]]++;
        }

        return (Shares(r, reference.Length), Shares(c, current.Length));
    }

    /// <summary>Category shares of two samples over the categories of R ∪ C (ordinal order).</summary>
    public static (double[] Reference, double[] Current, string[] Categories) UnionShares(IReadOnlyList<string> reference, IReadOnlyList<string> current)
    {
        var keys = new SortedSet<string>(reference, StringComparer.Ordinal);
        keys.UnionWith(current);
        var categories = keys.ToArray();
        var index = categories.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i, StringComparer.Ordinal);
        var r = new long[categories.Length];
        var c = new long[categories.Length];
        foreach (var v in reference)
        {
            r[index[v]]++;
        }

        foreach (var v in current)
        {
            c[index[v]]++;
        }

        return (Shares(r, reference.Count), Shares(c, current.Count), categories);
    }

    public static double[] Shares(ReadOnlySpan<long> counts, long total)
    {
        var shares = new double[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            shares[i] = (double)counts[i] / total;
        }

        return shares;
    }
}
