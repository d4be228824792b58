using Cairn.Quality.Drift;
using static Cairn.Quality.Tests.Drift.WorkedExampleTests;

namespace Cairn.Quality.Tests.Drift;

/// <summary>
/// KS against brute force: the statistic against evaluating both empirical CDFs at every point, and the exact p-value
/// against enumerating every way of splitting the pooled sample (the permutation distribution it is defined as).
/// </summary>
public sealed class KolmogorovSmirnovTests
{
    private static double BruteForceD(double[] r, double[] c)
    {
        double d = 0;
        foreach (double x in r.Concat(c))
        {
            double fr = r.Count(v => v <= x) / (double)r.Length, fc = c.Count(v => v <= x) / (double)c.Length;
            d = Math.Max(d, Math.Abs(fr - fc));
        }

        return d;
    }

    [Theory]
    [InlineData(1, 10, 10, 0.0)]
    [InlineData(2, 37, 53, 0.5)]
    [InlineData(3, 200, 150, 0.2)]
    [InlineData(4, 5, 400, 1.0)]
    public void Statistic_AgreesWithBruteForce_OnRandomSamplesWithTies(int seed, int n, int m, double shift)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            // Rounded to one decimal, so the samples have ties within and between them.
            var r = Enumerable.Range(0, n).Select(_ => Math.Round(Normal(random), 1)).ToArray();
            var c = Enumerable.Range(0, m).Select(_ => Math.Round(Normal(random) + shift, 1)).ToArray();
            Assert.Equal(BruteForceD(r, c), KolmogorovSmirnov.Statistic(r, c), 12);
        }
    }

    [Theory]
    [InlineData(11, 5, 5)]
    [InlineData(12, 4, 7)]
    [InlineData(13, 6, 8)]
    [InlineData(14, 3, 9)]
    [InlineData(15, 7, 7)]
    [InlineData(16, 8, 10)]
    public void ExactPValue_AgreesWithEnumeratingEverySplit(int seed, int n, int m)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 5; trial++)
        {
            var r = Enumerable.Range(0, n).Select(_ => Normal(random)).ToArray();
            var c = Enumerable.Range(0, m).Select(_ => Normal(random) + 0.7).ToArray();
            var result = KolmogorovSmirnov.Test(r, c, KsMode.Exact);
            Assert.True(result.Exact);

            // Under the null every assignment of the pooled (distinct) values to the two samples is equally likely.
            var pooled = r.Concat(c).ToArray();
            double observed = BruteForceD(r, c);
            long atLeast = 0, total = 0;
            foreach (var mask in Subsets(pooled.Length, n))
            {
                var a = pooled.Where((_, i) => (mask >> i & 1) == 1).ToArray();
                var b = pooled.Where((_, i) => (mask >> i & 1) == 0).ToArray();
                total++;
                if (BruteForceD(a, b) >= observed - 1e-12)
                {
                    atLeast++;
                }
            }

            Near((double)atLeast / total, result.PValue, 1e-9);
        }
    }

    [Theory]
    // D, n1, n2 and p from SciPy 1.10.1 ks_2samp (method auto) on random normal samples.
    [InlineData(0.42857142857142855, 7, 11, 0.3266716943187531)]
    [InlineData(0.18888888888888888, 30, 45, 0.503153792822461)]
    [InlineData(0.25666666666666665, 200, 150, 1.9461576461909998e-05)]
    [InlineData(0.12444444444444444, 1000, 9000, 1.3515659943067547e-12)]
    [InlineData(0.136, 500, 10000, 3.8761728971200817e-08)]
    public void PValue_MatchesSciPyForUnequalSizes(double d, int n1, int n2, double expected)
    {
        var result = KolmogorovSmirnov.PValue(d, n1, n2);
        Assert.True(result.Exact);
        Near(expected, result.PValue, 1e-8);
    }

    [Theory]
    // scipy.stats.kstwo.sf(x, n) from SciPy 1.10.1, one case per branch SciPy takes.
    [InlineData(0.05, 1000, 0.013012074781090332)]    // n > 140, n x² ≥ 2.2: 2 × Smirnov
    [InlineData(0.03, 2000, 0.05354694793932557)]     // Pelz–Good
    [InlineData(0.01, 30000, 0.004924125582072432)]   // 2 × Smirnov
    [InlineData(0.004, 250000, 0.0006691242219145274)]
    [InlineData(0.06, 200, 0.45015844138021865)]      // Pelz–Good
    [InlineData(0.3, 10, 0.27053557479999946)]        // n ≤ 140: Pomeranz in SciPy, Durbin matrix here (both exact)
    [InlineData(0.12, 100, 0.1033037490181987)]
    [InlineData(0.0021, 1000000, 0.00029508134175185787)]
    [InlineData(0.02, 5000, 0.03613941395325637)]
    [InlineData(0.625, 4, 0.04931640625)]             // x ≥ 0.5: 2 × Smirnov exactly
    public void KsTwoSf_MatchesSciPy(double x, long n, double expected) =>
        Near(expected, KolmogorovSmirnov.KsTwoSf(x, n), 1e-8);

    [Fact]
    public void Asymptotic_ApproachesKolmogorovsLimitForLargeSamples()
    {
        // The fallback the reference allows above en = 5000 differs from kstwo by less than 1e-3 there.
        foreach (double d in new[] { 0.005, 0.01, 0.015, 0.02 })
        {
            double en = 250_000;
            double viaKstwo = KolmogorovSmirnov.PValue(d, 500_000, 500_000).PValue;
            double viaLimit = KolmogorovSmirnov.KolmogorovQ(Math.Sqrt(en) * d);
            Assert.True(Math.Abs(viaKstwo - viaLimit) < 1e-3, $"D {d}: kstwo {viaKstwo}, Q {viaLimit}");
        }

        Near(0.26999967167735456, KolmogorovSmirnov.KolmogorovQ(1.0), 1e-9);
    }

    [Fact]
    public void IdenticalSamples_HaveDZeroAndPOne()
    {
        var r = Enumerable.Range(0, 300).Select(i => i * 0.37 % 11).ToArray();
        var result = KolmogorovSmirnov.Test(r, r);
        Assert.Equal(0, result.Statistic);
        Assert.Equal(1, result.PValue);
    }

    private static IEnumerable<long> Subsets(int size, int chosen)
    {
        for (long mask = 0; mask < 1L << size; mask++)
        {
            if (long.PopCount(mask) == chosen)
            {
                yield return mask;
            }
        }
    }

    internal static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
