namespace Cairn.Quality.Drift;

/// <summary>A test statistic with its p-value (and degrees of freedom where the test has them).</summary>
public sealed record TestResult(double Statistic, double PValue, int? DegreesOfFreedom = null);

/// <summary>Evidently's chi-square goodness-of-fit and two-proportion Z tests, on counts per category.</summary>
public static class CategoricalTests
{
    /// <summary>
    /// Pearson chi-square of the current counts O_k against E_k = count_R(k) · n_C / n_R over the categories of R ∪ C;
    /// df = K − 1; a category unseen in R (E_k = 0 &lt; O_k) gives χ² = ∞ and p = 0.
    /// </summary>
    public static TestResult ChiSquare(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> currentCounts)
    {
        if (referenceCounts.Length != currentCounts.Length || referenceCounts.Length == 0)
        {
            throw new ArgumentException("Chi-square needs the same, non-empty list of categories for both samples.");
        }

        double nR = 0, nC = 0;
        for (int k = 0; k < referenceCounts.Length; k++)
        {
            nR += referenceCounts[k];
            nC += currentCounts[k];
        }

        double scale = nC / nR, chi = 0;
        for (int k = 0; k < referenceCounts.Length; k++)
        {
            double expected = referenceCounts[k] * scale, observed = currentCounts[k];
            double diff = observed - expected;
            chi += expected == 0 ? (observed == 0 ? 0 : double.PositiveInfinity) : diff * diff / expected;
        }

        int df = referenceCounts.Length - 1;
        double p = df == 0 ? 1 : SpecialFunctions.ChiSquareSf(chi, df);
        return new TestResult(chi, p, df);
    }

    /// <summary>
    /// Two-proportion Z test. <paramref name="referenceOnes"/> and <paramref name="currentOnes"/> count the rows that are
    /// not the first (sorted) value; z = (p₁ − p₂) / sqrt(P(1 − P)(1/n_R + 1/n_C)), p = 2(1 − Φ(|z|)). When both samples
    /// hold one and the same value, p = 1 (z = 0).
    /// </summary>
    public static TestResult ProportionsZ(long referenceOnes, long referenceTotal, long currentOnes, long currentTotal)
    {
        if (referenceTotal < 1 || currentTotal < 1)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        double p1 = (double)referenceOnes / referenceTotal, p2 = (double)currentOnes / currentTotal;
        double pooled = (p1 * referenceTotal + p2 * currentTotal) / (referenceTotal + currentTotal);
        double denominator = Math.Sqrt(pooled * (1 - pooled) * (1.0 / referenceTotal + 1.0 / currentTotal));
        if (denominator == 0)
        {
            // Both samples are all of one value: the same one (no difference), or, impossible here, different ones.
            return new TestResult(0, 1);
        }

        double z = (p1 - p2) / denominator;
        return new TestResult(z, Math.Clamp(2 * SpecialFunctions.NormalSf(Math.Abs(z)), 0, 1));
    }
}
