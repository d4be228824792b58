namespace Cairn.Quality.Explain;

/// <summary>
/// One binary decision tree in ML.NET's layout: internal nodes 0..n−2, children as node indexes or, when negative,
/// <c>~leaf</c>. A row goes left when <c>x[slot] ≤ threshold</c> (a missing value, NaN, compares false and goes
/// right); a categorical node goes right when any of its one-hot slots is positive, else left.
/// <see cref="Feature"/> is the feature each node's split reads, as the explainer numbers features (a raw input
/// column, so the one-hot slots of one column are one feature).
/// </summary>
public sealed class DecisionTree
{
    public DecisionTree(int[] left, int[] right, int[] feature, int[] slot, float[] threshold, int[]?[] categoricalSlots, double[] leafValues)
    {
        int internalNodes = leafValues.Length - 1;
        if (left.Length != internalNodes || right.Length != internalNodes || feature.Length != internalNodes || slot.Length != internalNodes
            || threshold.Length != internalNodes || categoricalSlots.Length != internalNodes)
        {
            throw new ArgumentException($"A tree with {leafValues.Length} leaves needs {internalNodes} internal nodes in every array.");
        }

        Left = left;
        Right = right;
        Feature = feature;
        Slot = slot;
        Threshold = threshold;
        CategoricalSlots = categoricalSlots;
        LeafValues = leafValues;
        NodeCover = new double[internalNodes];
        LeafCover = new double[leafValues.Length];
        Depth = leafValues.Length == 1 ? 0 : DepthOf(0);
    }

    public int[] Left { get; }

    public int[] Right { get; }

    public int[] Feature { get; }

    public int[] Slot { get; }

    public float[] Threshold { get; }

    public int[]?[] CategoricalSlots { get; }

    public double[] LeafValues { get; }

    /// <summary>How many background rows pass through each internal node (the path-dependent "cover").</summary>
    public double[] NodeCover { get; }

    /// <summary>How many background rows end in each leaf.</summary>
    public double[] LeafCover { get; }

    /// <summary>Edges on the longest root-to-leaf path.</summary>
    public int Depth { get; }

    public int InternalNodeCount => Left.Length;

    /// <summary>The child a row takes at internal node <paramref name="node"/>.</summary>
    public int Next(int node, ReadOnlySpan<float> x)
    {
        if (CategoricalSlots[node] is { } slots)
        {
            foreach (int s in slots)
            {
                if (x[s] > 0f)
                {
                    return Right[node];
                }
            }

            return Left[node];
        }

        return x[Slot[node]] <= Threshold[node] ? Left[node] : Right[node];
    }

    /// <summary>The leaf a row ends in.</summary>
    public int LeafOf(ReadOnlySpan<float> x)
    {
        if (InternalNodeCount == 0)
        {
            return 0;
        }

        int node = 0;
        while (node >= 0)
        {
            node = Next(node, x);
        }

        return ~node;
    }

    public double Cover(int node) => node < 0 ? LeafCover[~node] : NodeCover[node];

    /// <summary>
    /// Sets the cover from rows routed through the tree. A leaf no row reaches gets a negligible cover (10⁻⁶ of a row)
    /// so no node has zero cover; every node's cover stays the sum of its children's.
    /// </summary>
    public void SetCover(IReadOnlyList<float[]> rows)
    {
        Array.Clear(LeafCover);
        foreach (var row in rows)
        {
            LeafCover[LeafOf(row)] += 1;
        }

        for (int leaf = 0; leaf < LeafCover.Length; leaf++)
        {
            LeafCover[leaf] += 1e-6;
        }

        if (InternalNodeCount > 0)
        {
            SumCover(0);
        }
    }

    /// <summary>Sets cover directly: internal nodes then leaves (for trees whose training counts are known).</summary>
    public void SetCover(double[] nodeCover, double[] leafCover)
    {
        nodeCover.CopyTo(NodeCover, 0);
        leafCover.CopyTo(LeafCover, 0);
    }

    /// <summary>The cover-weighted mean leaf value: the tree's expected output under the path-dependent value function.</summary>
    public double ExpectedValue()
    {
        double total = 0, weight = 0;
        for (int leaf = 0; leaf < LeafValues.Length; leaf++)
        {
            total += LeafValues[leaf] * LeafCover[leaf];
            weight += LeafCover[leaf];
        }

        return weight > 0 ? total / weight : LeafValues.Average();
    }

    private double SumCover(int node)
    {
        if (node < 0)
        {
            return LeafCover[~node];
        }

        NodeCover[node] = SumCover(Left[node]) + SumCover(Right[node]);
        return NodeCover[node];
    }

    private int DepthOf(int node) => node < 0 ? 0 : 1 + Math.Max(DepthOf(Left[node]), DepthOf(Right[node]));
}
