using Cairn.Quality.Explain;

namespace Cairn.Quality.Tests.Explain;

/// <summary>Worked Kernel SHAP, TreeSHAP and PDP/ICE examples (computed with numpy, scipy and scikit-learn) with their exact expected numbers.</summary>
public sealed class ReferenceVectorTests
{
    private static readonly double[][] Background = [[1, 2, 3], [3, 0, 1], [2, 4, 2]];
    private static readonly double[] X = [4, 1, 0];

    [Fact]
    public void TestA_LinearModel_KernelShapEqualsClosedForm()
    {
        static double F(double[] v) => 3 + 2 * v[0] - 1 * v[1] + 0.5 * v[2];
        var (fx, f0, phi) = Shapley.Kernel(F, X, Background);

        Assert.Equal(10, fx, 12);
        Assert.Equal(6, f0, 12);
        AssertClose([4, 1, -1], phi, 1e-12);
        AssertClose([4, 1, -1], Shapley.BruteForce(F, X, Background), 1e-12);
    }

    [Fact]
    public void TestB_Interaction_CoalitionValuesAndShapValues()
    {
        static double F(double[] v) => v[0] * v[1] + v[2];
        Assert.Equal(5.333333333333333, Shapley.Value(F, X, Background, [false, false, false]), 12);
        Assert.Equal(10, Shapley.Value(F, X, Background, [true, false, false]), 12);
        Assert.Equal(4, Shapley.Value(F, X, Background, [false, true, false]), 12);
        Assert.Equal(3.3333333333333335, Shapley.Value(F, X, Background, [false, false, true]), 12);
        Assert.Equal(6, Shapley.Value(F, X, Background, [true, true, false]), 12);
        Assert.Equal(8, Shapley.Value(F, X, Background, [true, false, true]), 12);
        Assert.Equal(2, Shapley.Value(F, X, Background, [false, true, true]), 12);
        Assert.Equal(4, Shapley.Value(F, X, Background, [true, true, true]), 12);

        var (fx, f0, phi) = Shapley.Kernel(F, X, Background);
        double[] expected = [3.333333333333333, -2.666666666666667, -2.0];
        AssertClose(expected, phi, 1e-12);
        AssertClose(expected, Shapley.BruteForce(F, X, Background), 1e-12);
        Assert.Equal(fx - f0, phi.Sum(), 12);
    }

    [Fact]
    public void TestB_ThreeFeatures_AllSixCoalitionsEnumeratedWithEqualWeights()
    {
        var (masks, weights) = KernelShap.Coalitions(3, new KernelShapOptions().BudgetFor(3), new Random(0));
        Assert.Equal(6, masks.Count);
        Assert.Equal(6, masks.Select(m => string.Concat(m.Select(b => b ? 1 : 0))).Distinct().Count());
        Assert.All(weights, w => Assert.Equal(weights[0], w, 15));
        Assert.Equal(1.0 / 3, KernelShap.KernelWeight(3, 1), 15);
        Assert.Equal(1.0 / 3, KernelShap.KernelWeight(3, 2), 15);
    }

    [Fact]
    public void KernelBudget_IsShapAuto_CappedAtAllCoalitions()
    {
        var options = new KernelShapOptions();
        Assert.Equal(6, options.BudgetFor(3));
        Assert.Equal(2046, options.BudgetFor(11));
        Assert.Equal(2 * 12 + 2048, options.BudgetFor(12));
        Assert.Equal(100, new KernelShapOptions { Samples = 100 }.BudgetFor(20));
    }

    public static TheoryData<float, float, double, double> TestCRows => new()
    {
        { 1, 1, 10.25, -3.25 },
        { 0, 0, -8.833333333333333, -4.166666666666667 },
        { 1, 2, 13.25, 3.75 },
    };

    [Theory]
    [MemberData(nameof(TestCRows))]
    public void TestC_DepthTwoTree_PathDependentTreeShap(float x1, float x2, double phi1, double phi2)
    {
        var shap = new TreeShap(TestCEnsemble());
        Assert.Equal(23, shap.ExpectedValue, 12);
        var phi = shap.Explain([x1, x2]);
        Assert.Equal(phi1, phi[0], 12);
        Assert.Equal(phi2, phi[1], 12);
        Assert.Equal(TestCEnsemble().Predict([x1, x2]) - 23, phi.Sum(), 12);
    }

    [Fact]
    public void TestC_CoalitionValues_FollowCover()
    {
        var tree = TestCEnsemble().Trees[0];
        Assert.Equal(37.5, TreeBruteForce.Expectation(tree, [1, 1], [true, false]), 12);
        Assert.Equal(24, TreeBruteForce.Expectation(tree, [1, 1], [false, true]), 12);
        Assert.Equal(13.333333333333334, TreeBruteForce.Expectation(tree, [0, 0], [true, false]), 12);
        Assert.Equal(18, TreeBruteForce.Expectation(tree, [0, 0], [false, true]), 12);
        Assert.Equal(28, TreeBruteForce.Expectation(tree, [1, 2], [false, true]), 12);
    }

    [Fact]
    public void TestD_PartialDependenceAndIce()
    {
        static double F(double x1, double x2) => x1 * x1 + x1 * x2;
        double[][] data = [[0, 1], [1, 2], [2, 0]];
        var grid = PartialDependence.NumericGrid(data.Select(r => r[0]));
        Assert.Equal([0, 1, 2], grid);

        var result = PartialDependence.Compute("x1", grid.Cast<object>().ToList(), data.Length,
            g => data.Select(r => F(grid[g], r[1])).ToArray());
        Assert.Equal([0, 2, 6], result.Ice[0]);
        Assert.Equal([0, 3, 8], result.Ice[1]);
        Assert.Equal([0, 1, 4], result.Ice[2]);
        Assert.Equal([0, 2, 6], result.Average);
        Assert.Equal([0, 3, 8], result.CenteredIce()[1]);
    }

    [Fact]
    public void Grid_ManyUniqueValues_SpansMQuantilesOfFifthAndNinetyFifthPercentile()
    {
        // scipy.stats.mstats.mquantiles(numpy.arange(1, 201), prob=[0.05, 0.95]) = [10.41, 190.59]
        var grid = PartialDependence.NumericGrid(Enumerable.Range(1, 200).Select(i => (double)i));
        Assert.Equal(100, grid.Length);
        Assert.Equal(10.41, grid[0], 10);
        Assert.Equal(190.59, grid[^1], 10);
        Assert.Equal((190.59 - 10.41) / 99, grid[1] - grid[0], 10);
    }

    [Fact]
    public void Grid_ConstantFeatureWithResolutionTwo_IsRefused()
    {
        Assert.Equal([5.0], PartialDependence.NumericGrid([5, 5, 5], resolution: 2));
        Assert.Throws<ArgumentException>(() => PartialDependence.NumericGrid([.. Enumerable.Repeat(5.0, 50), 6, 7], resolution: 2));
    }

    /// <summary>Reference Test C: root x₁ ≤ 0.5 (cover 100), left x₂ ≤ 0.5 → 10 (40) | 20 (20), right x₂ ≤ 1.5 → 30 (10) | 40 (30).</summary>
    internal static TreeEnsemble TestCEnsemble()
    {
        var tree = new DecisionTree(
            left: [1, ~0, ~2], right: [2, ~1, ~3], feature: [0, 1, 1], slot: [0, 1, 1], threshold: [0.5f, 0.5f, 1.5f],
            categoricalSlots: [null, null, null], leafValues: [10, 20, 30, 40]);
        tree.SetCover([100, 60, 40], [40, 20, 10, 30]);
        return new TreeEnsemble([tree], [1.0], 0, ["x1", "x2"]);
    }

    internal static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"[{i}] expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
