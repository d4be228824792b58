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
