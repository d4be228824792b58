namespace Cairn.Quality.Drift;

/// <summary>
/// Wasserstein-1 distance ∫ |F_R(x) − F_C(x)| dx over the merged sorted support (SciPy's <c>wasserstein_distance</c>)
/// and Evidently's normed form W1 / max(std_pop(R), 0.001).
/// </summary>
public static class Wasserstein
{
    /// <summary>The floor on std(R) in the normed form, so a constant reference column does not divide by zero.</summary>
    public const double MinScale = 0.001;

    public static double Distance(EmpiricalDistribution reference, EmpiricalDistribution current)
    {
        double sum = 0;
        EmpiricalDistribution.Walk(reference, current, (fr, fc, delta) => sum += Math.Abs(fr - fc) * delta);
        return sum;
    }

    /// <summary>
    /// W1 between a distribution and an ascending sample, in one merge pass (no distinct-value table for the sample):
    /// the form the drift calculator uses on a million current values.
    /// </summary>
    public static double Distance(EmpiricalDistribution reference, ReadOnlySpan<double> sortedCurrent)
    {
        var values = reference.Values;
        var counts = reference.Counts;
        double nR = reference.Total, nC = sortedCurrent.Length, sum = 0;
        int i = 0, j = 0;
        long cr = 0, cc = 0;
        while (i < values.Length || j < sortedCurrent.Length)
        {
            double x = j >= sortedCurrent.Length || (i < values.Length && values[i] <= sortedCurrent[j]) ? values[i] : sortedCurrent[j];
            if (i < values.Length && values[i] == x)
            {
                cr += counts[i++];
            }

            while (j < sortedCurrent.Length && sortedCurrent[j] == x)
            {
                cc++;
                j++;
            }

            double next = i < values.Length ? values[i] : double.PositiveInfinity;
            if (j < sortedCurrent.Length && sortedCurrent[j] < next)
            {
                next = sortedCurrent[j];
            }

            if (!double.IsPositiveInfinity(next))
            {
                sum += Math.Abs(cr / nR - cc / nC) * (next - x);
            }
        }

        return sum;
    }

    /// <summary>W1 for two raw samples (copied, then sorted).</summary>
    public static double Distance(ReadOnlySpan<double> reference, ReadOnlySpan<double> current) =>
        Distance(EmpiricalDistribution.FromSample(reference.ToArray()), EmpiricalDistribution.FromSample(current.ToArray()));

    /// <summary>W1 / max(std_pop(R), 0.001), std with ddof = 0.</summary>
    public static double Normed(double distance, double referenceStd) => distance / Math.Max(referenceStd, MinScale);

    public static double Normed(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        var r = EmpiricalDistribution.FromSample(reference.ToArray());
        return Normed(Distance(r, EmpiricalDistribution.FromSample(current.ToArray())), r.StdPopulation);
    }
}
