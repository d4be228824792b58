using Cairn.Quality.Drift;

namespace Cairn.Quality.Tests.Drift;

/// <summary>
/// Every worked example of monitoring.md §3 (and the §1.3 dataset rule) with its exact expected numbers, at a relative
/// tolerance of 1e-9 as the reference asks.
/// </summary>
public sealed class WorkedExampleTests
{
    internal static void Near(double expected, double actual, double relative = 1e-9)
    {
        double tolerance = Math.Abs(expected) * relative + 1e-300;
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):R})");
    }

    private static string[] Repeat(params (string Value, int Count)[] parts) =>
        parts.SelectMany(p => Enumerable.Repeat(p.Value, p.Count)).ToArray();

    private static double[] Range(int start, int count) => Enumerable.Range(start, count).Select(i => (double)i).ToArray();

    // 3.1 Categorical, 4 categories.
    private static readonly string[] R31 = Repeat(("A", 40), ("B", 30), ("C", 20), ("D", 10));
    private static readonly string[] C31 = Repeat(("A", 25), ("B", 25), ("C", 30), ("D", 20));

    [Fact]
    public void Categorical4_SharesAndEveryDistance()
    {
        var (r, c, categories) = Binning.UnionShares(R31, C31);
        Assert.Equal(["A", "B", "C", "D"], categories);
        Assert.Equal([0.4, 0.3, 0.2, 0.1], r);
        Assert.Equal([0.25, 0.25, 0.3, 0.2], c);

        Near(0.189477851093369, Divergences.PsiFilled(r, c));
        Near(0.09229017905885341, Divergences.KullbackLeibler(r, c));
        Near(0.09718767203451566, Divergences.KullbackLeibler(c, r));
        Near(0.1529676573578823, Divergences.JensenShannonDistance(r, c));
        Near(0.18373288107211988, Divergences.JensenShannonDistance(r, c, logBase: 2));
        Near(0.02339910419755848, Divergences.JensenShannonDivergence(r, c));
        Near(0.9764593752850482, Divergences.BhattacharyyaCoefficient(r, c));
        Near(0.15342954316216867, Divergences.Hellinger(r, c));
        Near(0.2, Divergences.TotalVariation(r, c));
        Near(0.15, Divergences.LInfinity(r, c));
    }

    [Fact]
    public void Categorical4_ChiSquare_AndTheDefaultMethodFlagsIt()
    {
        var chi = CategoricalTests.ChiSquare([40, 30, 20, 10], [25, 25, 30, 20]);
        Near(21.458333333333332, chi.Statistic);
        Assert.Equal(3, chi.DegreesOfFreedom);
        Near(8.45479929815712e-05, chi.PValue);

        var method = DriftMethod.Default(numeric: false, referenceCount: 100, unique: 4);
        Assert.Same(DriftMethod.ChiSquare, method);
        Assert.True(method.IsDrift(chi.PValue, method.DefaultThreshold));
    }

    [Fact]
    public void PsiEpsilonRule_CategoryMissingInCurrent()
    {
        var (r, c, _) = Binning.UnionShares(Repeat(("A", 50), ("B", 30), ("C", 20)), Repeat(("A", 60), ("B", 40)));
        Assert.Equal([0.5, 0.3, 0.2], r);
        Assert.Equal([0.6, 0.4, 0.0], c);
        Assert.Equal([0.6, 0.4, 0.0001], Divergences.FillZeros(c));

        Near(1.566420764587036, Divergences.PsiFilled(r, c));
        Near(1.3428150867762383, Divergences.KullbackLeiblerFilled(r, c));
        // Without SciPy's renormalisation of c the sum is different: the test tells the two apart.
        Near(1.342715091775905, Divergences.KullbackLeiblerRaw(r, Divergences.FillZeros(c)));
        Assert.True(Math.Abs(Divergences.KullbackLeiblerFilled(r, c) - 1.342715091775905) > 1e-5);
    }

    [Fact]
    public void FillZeros_UsesAMillionthOfTheSmallestShareWhenThatIsTiny()
    {
        Assert.Equal([0.99995, 0.00005, 0.00005 / 1e6], Divergences.FillZeros([0.99995, 0.00005, 0]));
        Assert.Equal([0.5, 0.5, 0.0001], Divergences.FillZeros([0.5, 0.5, 0]));
    }

    [Fact]
    public void ShiftedUniform_SturgesBins_PsiAndJs()
    {
        double[] r = Range(0, 100), c = Range(20, 100);
        var edges = Binning.SturgesEdges(0, 119, 200);
        Assert.Equal(10, edges.Length);
        Near(13.222222222222221, edges[1]);
        Near(26.444444444444443, edges[2]);
        Near(105.77777777777777, edges[8]);
        Assert.Equal(119, edges[9]);

        var (rs, cs) = Binning.UnionShares(r, c);
        Assert.Equal([.14, .13, .13, .13, .14, .13, .13, .07, 0], rs);
        Assert.Equal([0, .07, .13, .13, .14, .13, .13, .13, .14], cs);
        Assert.Equal(0.0001, Divergences.FillZeros(rs)[8]);
        Assert.Equal(0.0001, Divergences.FillZeros(cs)[0]);

        Near(2.1012195638745648, Divergences.PsiFilled(rs, cs));
        Near(0.3258538224165169, Divergences.JensenShannonDistance(rs, cs));
    }

    [Fact]
    public void ShiftedUniform_KsExactAndAsymptotic_AndWasserstein()
    {
        double[] r = Range(0, 100), c = Range(20, 100);
        var exact = KolmogorovSmirnov.Test(r, c);
        Assert.True(exact.Exact);
        Near(0.2, exact.Statistic);
        Near(0.03638428787491733, exact.PValue);
        var asymptotic = KolmogorovSmirnov.Test(r, c, KsMode.Asymptotic);
        Assert.False(asymptotic.Exact);
        Near(0.0314387777695343, asymptotic.PValue);

        Near(20.0, Wasserstein.Distance(r, c));
        Near(28.86607004772212, EmpiricalDistribution.FromSample([.. r]).StdPopulation);
        Near(0.692854966641995, Wasserstein.Normed(r, c));

        var method = DriftMethod.Default(numeric: true, referenceCount: 100, unique: 120);
        Assert.Same(DriftMethod.Ks, method);
        Assert.True(method.IsDrift(exact.PValue, method.DefaultThreshold));
    }

    [Fact]
    public void SmallKs_ExactDiffersFromAsymptotic()
    {
        double[] r = [1.2, 3.4, 2.2, 5.0, 4.1, 3.3, 2.9, 1.8], c = [3.9, 4.4, 5.6, 6.1, 4.8, 5.2, 3.1, 6.6];
        var exact = KolmogorovSmirnov.Test(r, c);
        Near(0.625, exact.Statistic);
        Near(0.08702408702408701, exact.PValue);
        Near(1120.0 / 12870, exact.PValue);
        Assert.False(DriftMethod.Ks.IsDrift(exact.PValue, 0.05));

        Near(0.04931640625, KolmogorovSmirnov.Test(r, c, KsMode.Asymptotic).PValue);
        Near(1.975, Wasserstein.Distance(r, c));
        Near(1.1612896925401517, EmpiricalDistribution.FromSample([.. r]).StdPopulation);
        Near(1.7006953671309835, Wasserstein.Normed(r, c));
    }

    [Fact]
    public void LargeSample_WassersteinIsTheDefaultAndFlagsAShiftOfAFifthOfAStd()
    {
        var r = Enumerable.Range(0, 2000).Select(i => i / 20.0).ToArray();
        var c = r.Select(v => v + 5).ToArray();
        Near(5.0, Wasserstein.Distance(r, c));
        Near(28.86750985104188, EmpiricalDistribution.FromSample([.. r]).StdPopulation);
        double normed = Wasserstein.Normed(r, c);
        Near(0.1732051024075269, normed);

        var method = DriftMethod.Default(numeric: true, referenceCount: 2000, unique: 2100);
        Assert.Same(DriftMethod.Wasserstein, method);
        Assert.True(method.IsDrift(normed, method.DefaultThreshold));
    }

    [Fact]
    public void LargeCategorical_JensenShannonIsTheDefaultAndDoesNotFlag()
    {
        var (r, c, _) = Binning.UnionShares(Repeat(("A", 1200), ("B", 600), ("C", 200)), Repeat(("A", 1000), ("B", 700), ("C", 300)));
        double js = Divergences.JensenShannonDistance(r, c);
        Near(0.075863669272681, js);
        Near(0.04621294507616658, Divergences.PsiFilled(r, c));
        Near(0.1, Divergences.LInfinity(r, c));

        var method = DriftMethod.Default(numeric: false, referenceCount: 2000, unique: 3);
        Assert.Same(DriftMethod.JensenShannon, method);
        Assert.False(method.IsDrift(js, method.DefaultThreshold));
    }

    [Fact]
    public void TwoProportionZ()
    {
        var z = CategoricalTests.ProportionsZ(referenceOnes: 30, referenceTotal: 100, currentOnes: 45, currentTotal: 100);
        Near(-2.1908902300206647, z.Statistic);
        Near(0.02845973691631065, z.PValue);
        Assert.Same(DriftMethod.Z, DriftMethod.Default(numeric: true, referenceCount: 100, unique: 2));
        Assert.True(DriftMethod.Z.IsDrift(z.PValue, 0.05));

        // Both samples one and the same value: p = 1.
        Assert.Equal(1, CategoricalTests.ProportionsZ(0, 50, 0, 70).PValue);
    }

    [Fact]
    public void WassersteinSanity()
    {
        Near(5.0, Wasserstein.Distance([0, 1, 3], [5, 6, 8]));
        Near(1.0, Wasserstein.Distance([0, 1, 2, 3], [0, 0, 1, 1]));
    }

    [Fact]
    public void DatasetShare_HalfTheColumnsIsDrift()
    {
        Assert.Equal(0.5, DatasetDriftRule.Share(2, 4));
        Assert.True(DatasetDriftRule.IsDrift(2, 4));
        Assert.Equal(0.25, DatasetDriftRule.Share(1, 4));
        Assert.False(DatasetDriftRule.IsDrift(1, 4));
    }

    [Fact]
    public void DefaultSelection_EveryCellOfTheTable()
    {
        Assert.Same(DriftMethod.Z, DriftMethod.Default(true, 1000, 2));
        Assert.Same(DriftMethod.ChiSquare, DriftMethod.Default(true, 1000, 3));
        Assert.Same(DriftMethod.ChiSquare, DriftMethod.Default(true, 1000, 5));
        Assert.Same(DriftMethod.Ks, DriftMethod.Default(true, 1000, 6));
        Assert.Same(DriftMethod.Z, DriftMethod.Default(false, 1000, 2));
        Assert.Same(DriftMethod.ChiSquare, DriftMethod.Default(false, 1000, 3));
        Assert.Same(DriftMethod.JensenShannon, DriftMethod.Default(true, 1001, 2));
        Assert.Same(DriftMethod.JensenShannon, DriftMethod.Default(true, 1001, 5));
        Assert.Same(DriftMethod.Wasserstein, DriftMethod.Default(true, 1001, 6));
        Assert.Same(DriftMethod.JensenShannon, DriftMethod.Default(false, 1001, 2));
        Assert.Same(DriftMethod.JensenShannon, DriftMethod.Default(false, 1001, 40));
    }

    [Fact]
    public void ComparisonOperators_ArePinned()
    {
        // KS: p <= thr; chi-square, Z and TVD: p < thr; distances: d >= thr.
        Assert.True(DriftMethod.Ks.IsDrift(0.05, 0.05));
        Assert.False(DriftMethod.ChiSquare.IsDrift(0.05, 0.05));
        Assert.False(DriftMethod.Z.IsDrift(0.05, 0.05));
        Assert.False(DriftMethod.TotalVariation.IsDrift(0.1, 0.1));
        foreach (var distance in new[] { DriftMethod.Wasserstein, DriftMethod.JensenShannon, DriftMethod.Psi, DriftMethod.KlDiv, DriftMethod.Hellinger, DriftMethod.LInfinity })
        {
            Assert.True(distance.IsDrift(0.1, 0.1), distance.Name);
            Assert.False(distance.IsDrift(0.0999, 0.1), distance.Name);
        }
    }
}
