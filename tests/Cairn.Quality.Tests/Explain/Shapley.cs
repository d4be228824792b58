using Cairn.Quality.Explain;

namespace Cairn.Quality.Tests.Explain;

/// <summary>Shapley values of plain functions with an interventional background, by definition and through Kernel SHAP.</summary>
internal static class Shapley
{
    /// <summary>v(S) = mean over the background of f(x_S, b_rest).</summary>
    public static double Value(Func<double[], double> f, double[] x, double[][] background, bool[] mask) =>
        background.Average(b => f(x.Select((v, i) => mask[i] ? v : b[i]).ToArray()));

    /// <summary>φᵢ = Σ_S |S|!(M − |S| − 1)!/M! · [v(S ∪ {i}) − v(S)], over all 2^M coalitions.</summary>
    public static double[] BruteForce(Func<double[], double> f, double[] x, double[][] background)
    {
        int m = x.Length;
        var phi = new double[m];
        for (int i = 0; i < m; i++)
        {
            for (int set = 0; set < 1 << m; set++)
            {
                if ((set & (1 << i)) != 0)
                {
                    continue;
                }

                var without = Mask(set, m);
                var with = Mask(set | (1 << i), m);
                int size = without.Count(b => b);
                double weight = Factorial(size) * Factorial(m - size - 1) / Factorial(m);
                phi[i] += weight * (Value(f, x, background, with) - Value(f, x, background, without));
            }
        }

        return phi;
    }

    public static (double Fx, double F0, double[] Phi) Kernel(Func<double[], double> f, double[] x, double[][] background, KernelShapOptions? options = null)
    {
        double fx = f(x), f0 = background.Average(f);
        var phi = KernelShap.Explain(x.Length, fx, f0, masks => masks.Select(mask => Value(f, x, background, mask)).ToArray(), options);
        return (fx, f0, phi);
    }

    public static bool[] Mask(int set, int m) => Enumerable.Range(0, m).Select(i => (set & (1 << i)) != 0).ToArray();

    private static double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
}

/// <summary>The path-dependent value function of reference §6.3, evaluated directly, and Shapley values from it.</summary>
internal static class TreeBruteForce
{
    /// <summary>EXP(node, S): follow x where the split's feature is in S, else average the children by cover.</summary>
    public static double Expectation(DecisionTree tree, float[] x, bool[] inSet, int node = 0)
    {
        if (tree.InternalNodeCount == 0)
        {
            return tree.LeafValues[0];
        }

        if (node < 0)
        {
            return tree.LeafValues[~node];
        }

        if (inSet[tree.Feature[node]])
        {
            return Expectation(tree, x, inSet, tree.Next(node, x));
        }

        int left = tree.Left[node], right = tree.Right[node];
        return (tree.Cover(left) * Expectation(tree, x, inSet, left) + tree.Cover(right) * Expectation(tree, x, inSet, right)) / tree.NodeCover[node];
    }

    public static double[] Shapley(TreeEnsemble ensemble, float[] x)
    {
        int m = ensemble.FeatureNames.Count;
        double V(bool[] mask) => ensemble.Bias + ensemble.Trees.Select((t, i) => ensemble.Weights[i] * Expectation(t, x, mask)).Sum();
        var phi = new double[m];
        for (int i = 0; i < m; i++)
        {
            for (int set = 0; set < 1 << m; set++)
            {
                if ((set & (1 << i)) != 0)
                {
                    continue;
                }

                int size = System.Numerics.BitOperations.PopCount((uint)set);
                double weight = 1.0 / m / KernelShap.Binomial(m - 1, size);
                phi[i] += weight * (V(Tests.Explain.Shapley.Mask(set | (1 << i), m)) - V(Tests.Explain.Shapley.Mask(set, m)));
            }
        }

        return phi;
    }
}
