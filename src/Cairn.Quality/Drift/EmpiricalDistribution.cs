namespace Cairn.Quality.Drift;

/// <summary>
/// A one-dimensional empirical distribution: ascending distinct support points, each with a count. A raw sample
/// becomes one with <see cref="FromSample"/>; a baseline stores its reference distribution in this form (exactly, or as
/// equal-count quantile points when the column has too many distinct values). CDFs are right-continuous.
/// </summary>
public sealed class EmpiricalDistribution
{
    public EmpiricalDistribution(double[] values, long[] counts)
    {
        if (values.Length != counts.Length || values.Length == 0)
        {
            throw new ArgumentException("A distribution needs one count per value and at least one value.");
        }

        long total = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]) || counts[i] <= 0 || (i > 0 && !(values[i] > values[i - 1])))
            {
                throw new ArgumentException("Distribution values must be finite and strictly ascending, with positive counts.");
            }

            total += counts[i];
        }

        Values = values;
        Counts = counts;
        Total = total;
    }

    public double[] Values { get; }

    public long[] Counts { get; }

    /// <summary>Number of observations (Σ counts).</summary>
    public long Total { get; }

    /// <summary>From a sample of finite values (NaN and ±∞ must be removed first); the array is sorted in place.</summary>
    public static EmpiricalDistribution FromSample(double[] sample)
    {
        if (sample.Length == 0)
        {
            throw new ArgumentException("The sample is empty.");
        }

        FastSort.Sort(sample);
        return FromSorted(sample);
    }

    /// <summary>From an ascending sample of finite values.</summary>
    public static EmpiricalDistribution FromSorted(ReadOnlySpan<double> sorted)
    {
        int distinct = 1;
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] != sorted[i - 1])
            {
                distinct++;
            }
        }

        var values = new double[distinct];
        var counts = new long[distinct];
        int k = 0;
        values[0] = sorted[0];
        counts[0] = 1;
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                counts[k]++;
            }
            else
            {
                k++;
                values[k] = sorted[i];
                counts[k] = 1;
            }
        }

        return new EmpiricalDistribution(values, counts);
    }

    public double Mean
    {
        get
        {
            double sum = 0;
            for (int i = 0; i < Values.Length; i++)
            {
                sum += Values[i] * Counts[i];
            }

            return sum / Total;
        }
    }

    /// <summary>Population standard deviation (ddof = 0, as <c>np.std</c>).</summary>
    public double StdPopulation
    {
        get
        {
            double mean = Mean, sum = 0;
            for (int i = 0; i < Values.Length; i++)
            {
                double d = Values[i] - mean;
                sum += d * d * Counts[i];
            }

            return Math.Sqrt(sum / Total);
        }
    }

    /// <summary>
    /// Walks the merged support of two distributions in ascending order, giving at each point x the CDFs F_a(x) and
    /// F_b(x) and the distance to the next point (0 at the last).
    /// </summary>
    internal static void Walk(EmpiricalDistribution a, EmpiricalDistribution b, Action<double, double, double> visit)
    {
        int i = 0, j = 0;
        long ca = 0, cb = 0;
        double na = a.Total, nb = b.Total;
        while (i < a.Values.Length || j < b.Values.Length)
        {
            double x = j >= b.Values.Length || (i < a.Values.Length && a.Values[i] <= b.Values[j]) ? a.Values[i] : b.Values[j];
            if (i < a.Values.Length && a.Values[i] == x)
            {
                ca += a.Counts[i++];
            }

            if (j < b.Values.Length && b.Values[j] == x)
            {
                cb += b.Counts[j++];
            }

            double next = i < a.Values.Length ? a.Values[i] : double.PositiveInfinity;
            if (j < b.Values.Length && b.Values[j] < next)
            {
                next = b.Values[j];
            }

            visit(ca / na, cb / nb, double.IsPositiveInfinity(next) ? 0 : next - x);
        }
    }
}
