using Cairn.Quality.Explain;

namespace Cairn.Quality.Tests.Explain;

/// <summary>Answers known analytically: SHAP of a linear model, efficiency, and TreeSHAP against the Shapley definition.</summary>
public sealed class ShapPropertyTests
{
    [Theory]
    [InlineData(4, 1)]
    [InlineData(9, 2)]
    [InlineData(14, 3)]
    public void LinearModel_KernelShapIsWeightTimesDistanceFromBackgroundMean(int features, int seed)
    {
        // With 14 features the budget (2076) is far below 2^14 − 2, so coalitions are sampled; a linear v(z) is still fitted exactly.
        var random = new Random(seed);
        var w = Enumerable.Range(0, features).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        double F(double[] v) => 0.7 + v.Select((x, i) => w[i] * x).Sum();
        var background = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, features).Select(_ => random.NextDouble() * 10).ToArray()).ToArray();
        var x = Enumerable.Range(0, features).Select(_ => random.NextDouble() * 10).ToArray();

        var (fx, f0, phi) = Shapley.Kernel(F, x, background);
        var expected = w.Select((wi, i) => wi * (x[i] - background.Average(b => b[i]))).ToArray();
        ReferenceVectorTests.AssertClose(expected, phi, 1e-9);
        Assert.Equal(fx - f0, phi.Sum(), 9);
    }

    [Fact]
    public void NonlinearModel_SmallM_KernelShapEqualsBruteForceShapley()
    {
        var random = new Random(5);
        static double F(double[] v) => Math.Sin(v[0]) * v[1] + v[2] * v[3] * v[3] - Math.Exp(0.1 * v[4]) + v[0] * v[4];
        var background = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 5).Select(_ => random.NextDouble() * 3).ToArray()).ToArray();
        var x = new[] { 2.5, -1.0, 0.5, 2.0, 1.5 };

        var (_, _, phi) = Shapley.Kernel(F, x, background);
        ReferenceVectorTests.AssertClose(Shapley.BruteForce(F, x, background), phi, 1e-10);
    }

    [Fact]
    public void NonlinearModel_SampledCoalitions_StillEfficientAndClose()
    {
        var random = new Random(9);
        static double F(double[] v) => v.Take(6).Sum() + v[0] * v[1] - 0.5 * v[2] * v[3];
        var background = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 8).Select(_ => random.NextDouble()).ToArray()).ToArray();
        var x = Enumerable.Range(0, 8).Select(i => 1.0 + i % 3).ToArray();

        var (fx, f0, phi) = Shapley.Kernel(F, x, background, new KernelShapOptions { Samples = 120, Seed = 3 });
        Assert.Equal(fx - f0, phi.Sum(), 10);
        ReferenceVectorTests.AssertClose(Shapley.BruteForce(F, x, background), phi, 0.05);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomTrees_TreeShapEqualsShapleyOfPathDependentValueFunction(int seed)
    {
        var random = new Random(seed);
        const int features = 5;
        var trees = Enumerable.Range(0, 4).Select(_ => RandomTree(random, features, depth: 5)).ToList();
        var ensemble = new TreeEnsemble(trees, [1.0, 0.5, 0.25, 2.0], 0.3, [.. Enumerable.Range(0, features).Select(i => $"f{i}")]);
        var rows = Enumerable.Range(0, 300).Select(_ => RandomRow(random, features)).ToList();
        ensemble.SetCover(rows);
        var shap = new TreeShap(ensemble);

        foreach (var x in rows.Take(15))
        {
            var phi = shap.Explain(x);
            ReferenceVectorTests.AssertClose(TreeBruteForce.Shapley(ensemble, x), phi, 1e-9);
            double prediction = ensemble.Predict(x);
            Assert.True(Math.Abs(phi.Sum() - (prediction - shap.ExpectedValue)) <= 1e-6 * Math.Max(1, Math.Abs(prediction)));
        }
    }

    [Fact]
    public void RandomTrees_BatchEqualsOneByOne_AndExpectedValueIsBackgroundMean()
    {
        var random = new Random(11);
        var ensemble = new TreeEnsemble([RandomTree(random, 6, 6), RandomTree(random, 6, 6)], [1.0, 1.0], 0, [.. Enumerable.Range(0, 6).Select(i => $"f{i}")]);
        var rows = Enumerable.Range(0, 500).Select(_ => RandomRow(random, 6)).ToList();
        ensemble.SetCover(rows);
        var shap = new TreeShap(ensemble);

        // Every leaf's cover counts the rows that reach it, so E[f] is the mean prediction over those rows (up to the 1e-6 pseudo-count).
        Assert.Equal(rows.Average(r => ensemble.Predict(r)), shap.ExpectedValue, 4);
        var batch = shap.Explain(rows.Take(50).ToList(), TestContext.Current.CancellationToken);
        for (int r = 0; r < 50; r++)
        {
            Assert.Equal(shap.Explain(rows[r]), batch[r]);
        }
    }

    /// <summary>A full random tree in ML.NET's layout; features repeat along paths, one node is a categorical split over two slots.</summary>
    internal static DecisionTree RandomTree(Random random, int features, int depth)
    {
        var left = new List<int>();
        var right = new List<int>();
        var feature = new List<int>();
        var slot = new List<int>();
        var threshold = new List<float>();
        var categorical = new List<int[]?>();
        var leaves = new List<double>();

        int Build(int level)
        {
            if (level == depth || (level > 1 && random.NextDouble() < 0.2))
            {
                leaves.Add(Math.Round(random.NextDouble() * 20 - 10, 3));
                return ~(leaves.Count - 1);
            }

            int node = left.Count;
            left.Add(0);
            right.Add(0);
            int f = random.Next(features);
            feature.Add(f);
            slot.Add(f);
            threshold.Add((float)random.NextDouble());
            categorical.Add(node == 2 ? [f, (f + 1) % features] : null);
            if (node == 2)
            {
                feature[node] = -1;
            }

            left[node] = Build(level + 1);
            right[node] = Build(level + 1);
            return node;
        }

        Build(0);

        // A categorical node reads two slots; give it the feature of its first slot and make the second slot that feature's too
        // by reading the same slot twice (one feature per split, as the explainer groups one-hot slots of one column).
        for (int n = 0; n < feature.Count; n++)
        {
            if (feature[n] == -1)
            {
                feature[n] = categorical[n]![0];
                categorical[n] = [categorical[n]![0], categorical[n]![0]];
            }
        }

        return new DecisionTree([.. left], [.. right], [.. feature], [.. slot], [.. threshold], [.. categorical], [.. leaves]);
    }

    internal static float[] RandomRow(Random random, int features) =>
        Enumerable.Range(0, features).Select(_ => random.NextDouble() < 0.3 ? 0f : (float)random.NextDouble()).ToArray();
}
