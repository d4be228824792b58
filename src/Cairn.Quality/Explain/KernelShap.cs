namespace Cairn.Quality.Explain;

/// <summary>How Kernel SHAP samples coalitions.</summary>
public sealed record KernelShapOptions
{
    /// <summary>Coalitions to evaluate; null means shap's "auto": 2M + 2048, capped at 2^M − 2 (exact for M ≤ 11).</summary>
    public int? Samples { get; init; }

    public int Seed { get; init; } = 42;

    public int BudgetFor(int features) =>
        (int)Math.Min(Samples ?? 2L * features + 2048, features >= 31 ? long.MaxValue : (1L << features) - 2);
}

/// <summary>
/// Kernel SHAP (Lundberg and Lee 2017, shap's <c>KernelExplainer</c>): coalitions z ∈ {0,1}^M weighted by the Shapley
/// kernel, subset sizes enumerated completely from the outside in (size s with its complement M − s) while the sample
/// budget covers them and the rest drawn at random in complementary pairs, then a weighted least-squares fit with the
/// efficiency constraint Σφ = f(x) − E[f] imposed by eliminating the last feature. Exact whenever every coalition fits
/// the budget. The caller supplies v(z) = E_B[f(x_z, b)], batched: one call for all coalitions of a row.
/// </summary>
public static class KernelShap
{
    /// <param name="features">M, the features that vary (those equal to every background row get φ = 0 and are left out by the caller).</param>
    /// <param name="fx">f(x), the value of the full coalition.</param>
    /// <param name="f0">E_B[f], the value of the empty coalition.</param>
    /// <param name="coalitionValues">v(z) for each mask (true = the feature takes x's value), in order.</param>
    public static double[] Explain(int features, double fx, double f0, Func<IReadOnlyList<bool[]>, double[]> coalitionValues, KernelShapOptions? options = null)
    {
        options ??= new KernelShapOptions();
        var phi = new double[features];
        if (features == 0)
        {
            return phi;
        }

        if (features == 1)
        {
            phi[0] = fx - f0;
            return phi;
        }

        var (masks, weights) = Coalitions(features, options.BudgetFor(features), new Random(options.Seed));
        var values = coalitionValues(masks);
        if (values.Length != masks.Count)
        {
            throw new InvalidOperationException($"{masks.Count} coalitions were asked for but {values.Length} values came back.");
        }

        return Solve(features, fx, f0, masks, weights, values);
    }

    /// <summary>The Shapley kernel weight of a coalition of <paramref name="size"/> out of <paramref name="features"/>: (M − 1) / (C(M, s) · s · (M − s)).</summary>
    public static double KernelWeight(int features, int size) =>
        size <= 0 || size >= features ? double.PositiveInfinity : (features - 1) / (Binomial(features, size) * size * (features - size));

    /// <summary>The coalitions shap's sampler picks for M features and a budget, with their regression weights.</summary>
    public static (List<bool[]> Masks, List<double> Weights) Coalitions(int features, int budget, Random random)
    {
        int m = features;
        int subsetSizes = (m - 1 + 1) / 2, pairedSizes = (m - 1) / 2;
        var weightVector = new double[subsetSizes];
        for (int i = 1; i <= subsetSizes; i++)
        {
            weightVector[i - 1] = (m - 1.0) / (i * (m - i)) * (i <= pairedSizes ? 2 : 1);
        }

        double sum = weightVector.Sum();
        for (int i = 0; i < subsetSizes; i++)
        {
            weightVector[i] /= sum;
        }

        var masks = new List<bool[]>();
        var weights = new List<double>();
        var remaining = (double[])weightVector.Clone();
        int fullSizes = 0;
        double samplesLeft = budget;
        for (int size = 1; size <= subsetSizes; size++)
        {
            double subsets = Binomial(m, size) * (size <= pairedSizes ? 2 : 1);
            if (samplesLeft * remaining[size - 1] / subsets < 1 - 1e-8)
            {
                break;
            }

            fullSizes++;
            samplesLeft -= subsets;
            if (remaining[size - 1] < 1)
            {
                double scale = 1 - remaining[size - 1];
                for (int i = 0; i < remaining.Length; i++)
                {
                    remaining[i] /= scale;
                }
            }

            double w = weightVector[size - 1] / Binomial(m, size) / (size <= pairedSizes ? 2 : 1);
            foreach (var subset in Combinations(m, size))
            {
                masks.Add(subset);
                weights.Add(w);
                if (size <= pairedSizes)
                {
                    masks.Add(subset.Select(b => !b).ToArray());
                    weights.Add(w);
                }
            }
        }

        int fixedCount = masks.Count;
        int left = budget - fixedCount;
        if (fullSizes != subsetSizes && left > 0)
        {
            SampleRest(m, fullSizes, pairedSizes, weightVector, left, random, masks, weights);
            double weightLeft = weightVector.Skip(fullSizes).Sum();
            double sampled = weights.Skip(fixedCount).Sum();
            for (int i = fixedCount; i < weights.Count; i++)
            {
                weights[i] *= weightLeft / sampled;
            }
        }

        return (masks, weights);
    }

    /// <summary>Subset sizes not enumerated are drawn by their kernel weight; a coalition drawn again adds weight instead of a row.</summary>
    private static void SampleRest(int m, int fullSizes, int pairedSizes, double[] weightVector, int samplesLeft, Random random,
        List<bool[]> masks, List<double> weights)
    {
        var sizeWeights = weightVector.Select((w, i) => i + 1 <= pairedSizes ? w / 2 : w).Skip(fullSizes).ToArray();
        double total = sizeWeights.Sum();
        var cumulative = new double[sizeWeights.Length];
        double running = 0;
        for (int i = 0; i < sizeWeights.Length; i++)
        {
            running += sizeWeights[i] / total;
            cumulative[i] = running;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = Enumerable.Range(0, m).ToArray();
        for (int draw = 0; draw < 4 * samplesLeft && samplesLeft > 0; draw++)
        {
            double u = random.NextDouble();
            int index = Array.FindIndex(cumulative, c => u < c);
            int size = (index < 0 ? cumulative.Length - 1 : index) + fullSizes + 1;
            random.Shuffle(order);
            var mask = new bool[m];
            for (int i = 0; i < size; i++)
            {
                mask[order[i]] = true;
            }

            string key = new(mask.Select(b => b ? '1' : '0').ToArray());
            bool isNew = !seen.TryGetValue(key, out int at);
            if (isNew)
            {
                seen[key] = masks.Count;
                masks.Add(mask);
                weights.Add(1);
                samplesLeft--;
            }
            else
            {
                weights[at] += 1;
            }

            if (samplesLeft > 0 && size <= pairedSizes)
            {
                if (isNew)
                {
                    masks.Add(mask.Select(b => !b).ToArray());
                    weights.Add(1);
                    samplesLeft--;
                }
                else
                {
                    weights[at + 1] += 1;
                }
            }
        }
    }

    /// <summary>Weighted least squares with Σφ = f(x) − f0: the last feature is eliminated, the rest solved by the normal equations.</summary>
    private static double[] Solve(int m, double fx, double f0, List<bool[]> masks, List<double> weights, double[] values)
    {
        int k = m - 1;
        var normal = new double[k, k];
        var rhs = new double[k];
        var row = new double[k];
        for (int s = 0; s < masks.Count; s++)
        {
            var mask = masks[s];
            double last = mask[k] ? 1 : 0;
            double y = values[s] - f0 - last * (fx - f0);
            for (int j = 0; j < k; j++)
            {
                row[j] = (mask[j] ? 1 : 0) - last;
            }

            double w = weights[s];
            for (int a = 0; a < k; a++)
            {
                if (row[a] == 0)
                {
                    continue;
                }

                rhs[a] += w * row[a] * y;
                for (int b = 0; b < k; b++)
                {
                    normal[a, b] += w * row[a] * row[b];
                }
            }
        }

        var beta = LinearSystem.Solve(normal, rhs);
        var phi = new double[m];
        Array.Copy(beta, phi, k);
        phi[k] = fx - f0 - beta.Sum();
        return phi;
    }

    private static IEnumerable<bool[]> Combinations(int n, int size)
    {
        var indexes = Enumerable.Range(0, size).ToArray();
        while (true)
        {
            var mask = new bool[n];
            foreach (int i in indexes)
            {
                mask[i] = true;
            }

            yield return mask;
            int position = size - 1;
            while (position >= 0 && indexes[position] == n - size + position)
            {
                position--;
            }

            if (position < 0)
            {
                yield break;
            }

            indexes[position]++;
            for (int i = position + 1; i < size; i++)
            {
                indexes[i] = indexes[i - 1] + 1;
            }
        }
    }

    public static double Binomial(int n, int k)
    {
        double result = 1;
        for (int i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return Math.Round(result);
    }
}
