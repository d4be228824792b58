namespace Cairn.Tuning.Samplers.Gp;

/// <summary>
/// Maximises an acquisition function over the unit box: score every candidate, then run a local optimiser from the best
/// candidate, from further candidates drawn by roulette (probability ∝ e^(score − best score), so starts spread over the
/// other promising basins instead of crowding the best one) and from the given warm starts (the best observations).
/// The local optimiser is box-constrained L-BFGS on the continuous columns, in coordinates divided by the length scales,
/// which makes the acquisition surface about equally curved in every direction. Deterministic given the random source.
/// </summary>
internal static class AcquisitionMaximizer
{
    public delegate double Score(ReadOnlySpan<double> point);

    /// <param name="candidates">Points of the box, already projected onto what they decode to.</param>
    /// <param name="warmStarts">Extra local-search starts (not scored among the candidates).</param>
    /// <param name="refinable">Columns a local optimiser may move freely; others keep the start's value.</param>
    /// <param name="scales">Per-column scale of the preconditioning (the GP's length scales).</param>
    /// <param name="localSearches">Local searches in all: the best candidate, roulette draws, then the warm starts.</param>
    public static (double[] Point, double Score) Maximize(Score score, IReadOnlyList<double[]> candidates, IReadOnlyList<double[]> warmStarts,
        int[] refinable, double[] scales, int localSearches, Random random, int maxIterations = 100)
    {
        var scores = new double[candidates.Count];
        var best = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            scores[i] = score(candidates[i]);
            if (scores[i] > scores[best] || double.IsNaN(scores[best]))
            {
                best = i;
            }
        }

        var starts = new List<double[]> { candidates[best] };
        var draws = Math.Max(0, localSearches - 1 - warmStarts.Count);
        starts.AddRange(Roulette(scores, best, draws, random).Select(i => candidates[i]));
        starts.AddRange(warmStarts.Take(Math.Max(0, localSearches - 1)));

        var (chosen, chosenScore) = (candidates[best], scores[best]);
        foreach (var start in starts)
        {
            var (point, value) = LocalSearch(score, start, refinable, scales, maxIterations);
            if (value > chosenScore)
            {
                (chosen, chosenScore) = (point, value);
            }
        }

        return (chosen, chosenScore);
    }

    /// <summary>Up to <paramref name="count"/> distinct indices other than <paramref name="best"/>, drawn ∝ e^(score − max).</summary>
    internal static List<int> Roulette(double[] scores, int best, int count, Random random)
    {
        var weights = new double[scores.Length];
        var total = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            weights[i] = i == best || !double.IsFinite(scores[i]) ? 0 : Math.Exp(scores[i] - scores[best]);
            total += weights[i];
        }

        var chosen = new List<int>();
        while (chosen.Count < count && total > 0)
        {
            var target = random.NextDouble() * total;
            var pick = -1;
            for (var i = 0; i < weights.Length; i++)
            {
                if (weights[i] <= 0)
                {
                    continue;
                }

                pick = i;
                target -= weights[i];
                if (target < 0)
                {
                    break;
                }
            }

            if (pick < 0)
            {
                break;
            }

            chosen.Add(pick);
            total -= weights[pick];
            weights[pick] = 0;
        }

        return chosen;
    }

    /// <summary>
    /// L-BFGS from one start over the continuous columns, in z = x/ℓ (bounds [0, 1/ℓ]); central-difference gradient,
    /// one-sided at the box's faces.
    /// </summary>
    internal static (double[] Point, double Score) LocalSearch(Score score, double[] start, int[] refinable, double[] scales, int maxIterations)
    {
        if (refinable.Length == 0)
        {
            return (start, score(start));
        }

        var point = (double[])start.Clone();
        var scale = refinable.Select(c => scales[c]).ToArray();
        void Place(double[] z)
        {
            for (var k = 0; k < refinable.Length; k++)
            {
                point[refinable[k]] = Math.Clamp(z[k] * scale[k], 0, 1);
            }
        }

        double Objective(double[] z, double[] gradient)
        {
            Place(z);
            var value = -score(point);
            const double h = 1e-6;
            for (var k = 0; k < refinable.Length; k++)
            {
                var column = refinable[k];
                var x = point[column];
                var (high, low) = (Math.Min(1, x + h), Math.Max(0, x - h));
                point[column] = high;
                var up = -score(point);
                point[column] = low;
                var down = -score(point);
                point[column] = x;
                // d/dz = ℓ·d/dx.
                gradient[k] = (up - down) / (high - low) * scale[k];
            }

            return double.IsFinite(value) ? value : double.MaxValue;
        }

        var (best, negativeScore) = BoxLbfgs.Minimize(Objective, refinable.Select((c, k) => start[c] / scale[k]).ToArray(),
            new double[refinable.Length], scale.Select(s => 1 / s).ToArray(), maxIterations);
        Place(best);
        return ((double[])point.Clone(), -negativeScore);
    }
}
