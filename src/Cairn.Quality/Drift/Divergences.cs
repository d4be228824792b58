namespace Cairn.Quality.Drift;

/// <summary>
/// Distances between two discrete distributions given as shares r (reference) and c (current) over the same bins or
/// categories (Evidently's definitions, see docs/quality.md). Inputs are not changed; the epsilon rule for empty bins is
/// <see cref="FillZeros"/>, applied by the callers Evidently applies it for (PSI and KL only).
/// </summary>
public static class Divergences
{
    /// <summary>
    /// Evidently's zero fill (§1.4.3), on one vector: every 0 becomes min_nonzero / 1e6 when min_nonzero ≤ 0.0001,
    /// else 0.0001. The result is not renormalised. A vector with no non-zero entry is returned as it is.
    /// </summary>
    public static double[] FillZeros(ReadOnlySpan<double> shares)
    {
        var filled = shares.ToArray();
        double minNonZero = double.PositiveInfinity;
        foreach (double share in shares)
        {
            if (share != 0 && share < minNonZero)
            {
                minNonZero = share;
            }
        }

        if (double.IsPositiveInfinity(minNonZero))
        {
            return filled;
        }

        double eps = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
        for (int i = 0; i < filled.Length; i++)
        {
            if (filled[i] == 0)
            {
                filled[i] = eps;
            }
        }

        return filled;
    }

    /// <summary>Σ (r − c) ln(r / c) over the vectors as given (no zero fill, no renormalisation).</summary>
    public static double Psi(ReadOnlySpan<double> r, ReadOnlySpan<double> c)
    {
        CheckLengths(r, c);
        double sum = 0;
        for (int i = 0; i < r.Length; i++)
        {
            sum += (r[i] - c[i]) * Math.Log(r[i] / c[i]);
        }

        return sum;
    }

    /// <summary>Evidently's <c>psi</c>: zero fill on each vector, then <see cref="Psi"/> (not renormalised).</summary>
    public static double PsiFilled(ReadOnlySpan<double> r, ReadOnlySpan<double> c) => Psi(FillZeros(r), FillZeros(c));

    /// <summary>
    /// KL(p‖q) as <c>scipy.stats.entropy(p, q)</c>: both vectors renormalised to sum 1, then Σ p ln(p / q) with
    /// 0 · ln(0 / q) = 0 and p ln(p / 0) = ∞. <paramref name="logBase"/> null means natural log.
    /// </summary>
    public static double KullbackLeibler(ReadOnlySpan<double> p, ReadOnlySpan<double> q, double? logBase = null)
    {
        CheckLengths(p, q);
        double sp = Sum(p), sq = Sum(q), total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            total += RelativeEntropy(p[i] / sp, q[i] / sq);
        }

        return logBase is { } b ? total / Math.Log(b) : total;
    }

    /// <summary>Σ p ln(p / q) on the vectors as given (no renormalisation).</summary>
    public static double KullbackLeiblerRaw(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        CheckLengths(p, q);
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            total += RelativeEntropy(p[i], q[i]);
        }

        return total;
    }

    /// <summary>Evidently's <c>kl_div</c>: zero fill on each vector, then <see cref="KullbackLeibler"/> (which renormalises).</summary>
    public static double KullbackLeiblerFilled(ReadOnlySpan<double> r, ReadOnlySpan<double> c) =>
        KullbackLeibler(FillZeros(r), FillZeros(c));

    /// <summary>
    /// Jensen–Shannon divergence ½ KL(p‖m) + ½ KL(q‖m), m = (p + q) / 2, after renormalising p and q (as SciPy does);
    /// natural log unless <paramref name="logBase"/> is given.
    /// </summary>
    public static double JensenShannonDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q, double? logBase = null)
    {
        CheckLengths(p, q);
        double sp = Sum(p), sq = Sum(q), left = 0, right = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double pi = p[i] / sp, qi = q[i] / sq, m = (pi + qi) / 2;
            left += RelativeEntropy(pi, m);
            right += RelativeEntropy(qi, m);
        }

        double js = (left + right) / 2;
        return logBase is { } b ? js / Math.Log(b) : js;
    }

    /// <summary>Jensen–Shannon distance, sqrt of the divergence: SciPy's <c>distance.jensenshannon</c>, Evidently's <c>jensenshannon</c>.</summary>
    public static double JensenShannonDistance(ReadOnlySpan<double> p, ReadOnlySpan<double> q, double? logBase = null) =>
        Math.Sqrt(Math.Max(0, JensenShannonDivergence(p, q, logBase)));

    /// <summary>Bhattacharyya coefficient Σ sqrt(r c), clipped to [0, 1].</summary>
    public static double BhattacharyyaCoefficient(ReadOnlySpan<double> r, ReadOnlySpan<double> c)
    {
        CheckLengths(r, c);
        double bc = 0;
        for (int i = 0; i < r.Length; i++)
        {
            bc += Math.Sqrt(r[i] * c[i]);
        }

        return Math.Clamp(bc, 0, 1);
    }

    /// <summary>Hellinger distance sqrt(1 − BC) (Evidently's form; equal to (1/√2)‖√r − √c‖₂ for shares).</summary>
    public static double Hellinger(ReadOnlySpan<double> r, ReadOnlySpan<double> c) => Math.Sqrt(1 - BhattacharyyaCoefficient(r, c));

    /// <summary>Total variation distance ½ Σ |r − c|.</summary>
    public static double TotalVariation(ReadOnlySpan<double> r, ReadOnlySpan<double> c)
    {
        CheckLengths(r, c);
        double sum = 0;
        for (int i = 0; i < r.Length; i++)
        {
            sum += Math.Abs(r[i] - c[i]);
        }

        return sum / 2;
    }

    /// <summary>L-infinity (Chebyshev) distance max |r − c|.</summary>
    public static double LInfinity(ReadOnlySpan<double> r, ReadOnlySpan<double> c)
    {
        CheckLengths(r, c);
        double max = 0;
        for (int i = 0; i < r.Length; i++)
        {
            max = Math.Max(max, Math.Abs(r[i] - c[i]));
        }

        return max;
    }

    /// <summary>SciPy's <c>rel_entr</c>: x ln(x / y), 0 when x = 0, ∞ when y = 0 &lt; x.</summary>
    private static double RelativeEntropy(double x, double y) =>
        x == 0 ? 0 : y == 0 ? double.PositiveInfinity : x * Math.Log(x / y);

    private static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double value in values)
        {
            sum += value;
        }

        return sum;
    }

    private static void CheckLengths(ReadOnlySpan<double> r, ReadOnlySpan<double> c)
    {
        if (r.Length != c.Length)
        {
            throw new ArgumentException($"The two distributions have {r.Length} and {c.Length} bins; they must share their bins.");
        }
    }
}
