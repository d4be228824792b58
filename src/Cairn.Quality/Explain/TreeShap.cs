namespace Cairn.Quality.Explain;

/// <summary>
/// Exact path-dependent TreeSHAP (Lundberg et al., "Consistent individualized feature attribution for tree ensembles",
/// Algorithm 2): for each root-to-leaf path it tracks which share of the feature coalitions of each size reach the leaf
/// (EXTEND), and takes a feature's own term out again (UNWIND) to credit it. O(T·L·D²) per row. The value function is
/// v(S) = the tree's output with features outside S integrated out by node cover, so the values of one row sum to
/// f(x) − E[f] exactly.
/// </summary>
public sealed class TreeShap
{
    private readonly TreeEnsemble _ensemble;

    public TreeShap(TreeEnsemble ensemble)
    {
        if (ensemble.MaxDepth > 1000)
        {
            throw new NotSupportedException($"A tree of depth {ensemble.MaxDepth} is deeper than TreeSHAP supports (1000).");
        }

        _ensemble = ensemble;
        ExpectedValue = ensemble.ExpectedValue();
    }

    /// <summary>E[f] under the cover: the base value every row's SHAP values start from.</summary>
    public double ExpectedValue { get; }

    /// <summary>SHAP values of one row (one per feature of the ensemble).</summary>
    public double[] Explain(ReadOnlySpan<float> x)
    {
        var phi = new double[_ensemble.FeatureNames.Count];
        var buffer = new Path[PathBufferSize(_ensemble.MaxDepth)];
        Explain(x, phi, buffer);
        return phi;
    }

    /// <summary>SHAP values of many rows, in parallel over rows.</summary>
    public double[][] Explain(IReadOnlyList<float[]> rows, CancellationToken cancellationToken = default)
    {
        var result = new double[rows.Count][];
        int size = PathBufferSize(_ensemble.MaxDepth);
        Parallel.For(0, rows.Count, new ParallelOptions { CancellationToken = cancellationToken }, () => new Path[size], (r, _, buffer) =>
        {
            var phi = new double[_ensemble.FeatureNames.Count];
            Explain(rows[r], phi, buffer);
            result[r] = phi;
            return buffer;
        }, _ => { });
        return result;
    }

    private void Explain(ReadOnlySpan<float> x, double[] phi, Path[] buffer)
    {
        for (int t = 0; t < _ensemble.Trees.Count; t++)
        {
            var tree = _ensemble.Trees[t];
            if (tree.InternalNodeCount == 0)
            {
                continue;
            }

            new Walk(tree, x, phi, buffer, _ensemble.Weights[t]).Recurse(0, 0, 0, 1, 1, -1);
        }
    }

    // Each recursion level copies the path into its own segment of the buffer, one slot longer per level.
    private static int PathBufferSize(int depth) => (depth + 3) * (depth + 4) / 2;

    /// <summary>1/k for k = 0..1024 (entry 0 unused); paths are never deeper than the trees ML.NET or LightGBM grow.</summary>
    private static readonly double[] Reciprocal = Enumerable.Range(0, 1025).Select(k => k == 0 ? 0 : 1.0 / k).ToArray();

    private struct Path
    {
        public int Feature;
        public double Zero;
        public double One;
        public double Weight;
    }

    private readonly ref struct Walk(DecisionTree tree, ReadOnlySpan<float> x, double[] phi, Path[] buffer, double scale)
    {
        private readonly DecisionTree _tree = tree;
        private readonly ReadOnlySpan<float> _x = x;
        private readonly double[] _phi = phi;
        private readonly Path[] _buffer = buffer;
        private readonly double _scale = scale;

        /// <param name="node">Node to visit (negative: ~leaf).</param>
        /// <param name="offset">Where this level's path starts in the buffer (the caller copied the parent's path there).</param>
        /// <param name="depth">Length of the parent's path: the new element goes at this index.</param>
        public void Recurse(int node, int offset, int depth, double zero, double one, int feature)
        {
            var path = _buffer.AsSpan(offset);
            Extend(path, depth, zero, one, feature);
            if (node < 0)
            {
                double value = _tree.LeafValues[~node] * _scale;
                for (int i = 1; i <= depth; i++)
                {
                    double w = UnwoundSum(path, depth, i);
                    _phi[path[i].Feature] += w * (path[i].One - path[i].Zero) * value;
                }

                return;
            }

            int hot = _tree.Next(node, _x);
            int cold = hot == _tree.Left[node] ? _tree.Right[node] : _tree.Left[node];
            double cover = _tree.NodeCover[node];
            double hotZero = _tree.Cover(hot) / cover, coldZero = _tree.Cover(cold) / cover;
            double incomingZero = 1, incomingOne = 1;
            int split = _tree.Feature[node];
            int childOffset = offset + depth + 1;

            // A feature met again on the path: take its earlier element out and carry its fractions on.
            int previous = 0;
            while (previous <= depth && path[previous].Feature != split)
            {
                previous++;
            }

            if (previous <= depth)
            {
                incomingZero = path[previous].Zero;
                incomingOne = path[previous].One;
                Unwind(path, depth, previous);
                depth--;
            }

            path[..(depth + 1)].CopyTo(_buffer.AsSpan(childOffset));
            Recurse(hot, childOffset, depth + 1, hotZero * incomingZero, incomingOne, split);
            path[..(depth + 1)].CopyTo(_buffer.AsSpan(childOffset));
            Recurse(cold, childOffset, depth + 1, coldZero * incomingZero, 0, split);
        }

        // The three path routines follow Lundberg's EXTEND, UNWIND and the unwound sum, with every division in their
        // loops replaced by a multiplication with a precomputed reciprocal (1/k for k up to the tree depth + 2).
        private static void Extend(Span<Path> path, int depth, double zero, double one, int feature)
        {
            path[depth] = new Path { Feature = feature, Zero = zero, One = one, Weight = depth == 0 ? 1 : 0 };
            double inverse = Reciprocal[depth + 1];
            for (int i = depth - 1; i >= 0; i--)
            {
                double weight = path[i].Weight;
                path[i + 1].Weight += one * weight * (i + 1) * inverse;
                path[i].Weight = zero * weight * (depth - i) * inverse;
            }
        }

        private static void Unwind(Span<Path> path, int depth, int index)
        {
            double one = path[index].One, zero = path[index].Zero, next = path[depth].Weight;
            double inverse = Reciprocal[depth + 1];
            if (one != 0)
            {
                double scale = (depth + 1) / one;
                for (int i = depth - 1; i >= 0; i--)
                {
                    double current = path[i].Weight;
                    path[i].Weight = next * scale * Reciprocal[i + 1];
                    next = current - path[i].Weight * zero * (depth - i) * inverse;
                }
            }
            else
            {
                double scale = (depth + 1) / zero;
                for (int i = depth - 1; i >= 0; i--)
                {
                    path[i].Weight = path[i].Weight * scale * Reciprocal[depth - i];
                }
            }

            for (int i = index; i < depth; i++)
            {
                path[i].Feature = path[i + 1].Feature;
                path[i].Zero = path[i + 1].Zero;
                path[i].One = path[i + 1].One;
            }
        }

        private static double UnwoundSum(Span<Path> path, int depth, int index)
        {
            double one = path[index].One, zero = path[index].Zero, next = path[depth].Weight, total = 0;
            if (one != 0)
            {
                double scale = (depth + 1) / one, inverse = Reciprocal[depth + 1];
                for (int i = depth - 1; i >= 0; i--)
                {
                    double w = next * scale * Reciprocal[i + 1];
                    total += w;
                    next = path[i].Weight - w * zero * (depth - i) * inverse;
                }
            }
            else
            {
                double scale = (depth + 1) / zero;
                for (int i = depth - 1; i >= 0; i--)
                {
                    total += path[i].Weight * Reciprocal[depth - i];
                }

                total *= scale;
            }

            return total;
        }
    }
}
