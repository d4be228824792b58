namespace Cairn.Quality.Explain;

/// <summary>
/// A tree ensemble as its output is computed: <c>bias + Σ weightₜ · treeₜ(x)</c> over a feature vector of slots.
/// <see cref="FeatureNames"/> names the features the trees' <see cref="DecisionTree.Feature"/> ids refer to.
/// </summary>
public sealed class TreeEnsemble
{
    public TreeEnsemble(IReadOnlyList<DecisionTree> trees, IReadOnlyList<double> weights, double bias, IReadOnlyList<string> featureNames)
    {
        if (trees.Count != weights.Count)
        {
            throw new ArgumentException($"{trees.Count} trees but {weights.Count} weights.");
        }

        Trees = trees;
        Weights = weights;
        Bias = bias;
        FeatureNames = featureNames;
        MaxDepth = trees.Count == 0 ? 0 : trees.Max(t => t.Depth);
    }

    public IReadOnlyList<DecisionTree> Trees { get; }

    public IReadOnlyList<double> Weights { get; }

    public double Bias { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public int MaxDepth { get; }

    public double Predict(ReadOnlySpan<float> x)
    {
        double output = Bias;
        for (int t = 0; t < Trees.Count; t++)
        {
            output += Weights[t] * Trees[t].LeafValues[Trees[t].LeafOf(x)];
        }

        return output;
    }

    /// <summary>Routes background rows through every tree to set node cover (see <see cref="DecisionTree.SetCover(IReadOnlyList{float[]})"/>).</summary>
    public void SetCover(IReadOnlyList<float[]> rows)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("Node cover needs at least one background row.");
        }

        Parallel.ForEach(Trees, tree => tree.SetCover(rows));
    }

    /// <summary>The model output averaged over the cover: what SHAP values are measured from.</summary>
    public double ExpectedValue()
    {
        double value = Bias;
        for (int t = 0; t < Trees.Count; t++)
        {
            value += Weights[t] * Trees[t].ExpectedValue();
        }

        return value;
    }
}
