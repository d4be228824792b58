namespace Cairn.Quality.Bias;

/// <summary>
/// The label distributions P_a(y) and P_d(y) aligned on the same label values, for KL, JS, LP, TVD and KS.
/// By default every value seen in either group is kept (a value missing from one group has probability 0 there).
/// With <c>clarifyCompat</c> the values missing from either group are dropped and the rest is not renormalised,
/// as Clarify's <c>pdfs_aligned_nonzero</c> does.
/// </summary>
public sealed record LabelDistributions(IReadOnlyList<string> Values, double[] A, double[] D)
{
    public static LabelDistributions Of(IReadOnlyList<string> labelValues, IReadOnlyList<bool> sensitive, bool clarifyCompat)
    {
        var countsA = new Dictionary<string, int>(StringComparer.Ordinal);
        var countsD = new Dictionary<string, int>(StringComparer.Ordinal);
        int rowsA = 0, rowsD = 0;
        for (int i = 0; i < labelValues.Count; i++)
        {
            var counts = sensitive[i] ? countsD : countsA;
            counts[labelValues[i]] = counts.GetValueOrDefault(labelValues[i]) + 1;
            _ = sensitive[i] ? rowsD++ : rowsA++;
        }

        var values = (clarifyCompat ? countsA.Keys.Intersect(countsD.Keys, StringComparer.Ordinal) : countsA.Keys.Union(countsD.Keys, StringComparer.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        return new LabelDistributions(
            values,
            [.. values.Select(v => ClarifyMath.Divide(countsA.GetValueOrDefault(v), rowsA))],
            [.. values.Select(v => ClarifyMath.Divide(countsD.GetValueOrDefault(v), rowsD))]);
    }

    /// <summary>Σ p ln(p / q); a value with p = 0 adds nothing, one with p &gt; 0 and q = 0 makes it +∞.</summary>
    public static double KullbackLeibler(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        double sum = 0;
        for (int i = 0; i < p.Count; i++)
        {
            if (p[i] > 0)
            {
                sum += p[i] * Math.Log(ClarifyMath.Divide(p[i], q[i]));
            }
        }

        return sum;
    }
}
