using Cairn.Tuning.Space;

namespace Cairn.Tuning.Samplers;

/// <summary>
/// Multivariate TPE's density over a joint space (Optuna's <c>multivariate=True</c>): one product kernel per observation,
/// so a draw keeps the parameters of one good trial together, plus a wide prior kernel. Numbers use one bandwidth per
/// parameter, 0.2·n^(−1/(d+4))·(high − low) (Scott-type), clipped like the univariate estimator; categories put
/// weight 1 on the observed choice smoothed by the prior. Kernel heights follow <see cref="ParzenEstimator"/>.
/// </summary>
internal sealed class MultivariateParzenEstimator
{
    private readonly double[] _logWeights;
    private readonly Dimension[] _dimensions;

    public MultivariateParzenEstimator(IReadOnlyList<(string Name, Distribution Distribution)> space, IReadOnlyList<double[]> observations,
        IReadOnlyList<double> weights, double priorWeight, bool magicClip, bool normalized = false)
    {
        var n = observations.Count;
        var allWeights = weights.Append(priorWeight).ToArray();
        var weightSum = allWeights.Sum();
        _logWeights = allWeights.Select(w => Math.Log(w / weightSum)).ToArray();
        _dimensions = new Dimension[space.Count];
        for (var p = 0; p < space.Count; p++)
        {
            var distribution = space[p].Distribution;
            if (distribution is CategoricalDistribution categorical)
            {
                var choices = categorical.Choices.Count;
                var logProbabilities = new double[n + 1][];
                for (var k = 0; k <= n; k++)
                {
                    var row = Enumerable.Repeat(priorWeight / (n + 1), choices).ToArray();
                    if (k < n)
                    {
                        row[(int)observations[k][p]] += 1;
                    }

                    var total = row.Sum();
                    logProbabilities[k] = row.Select(r => Math.Log(r / total)).ToArray();
                }

                _dimensions[p] = new Dimension(distribution, 0, 0, [], [], [], logProbabilities, normalized);
                continue;
            }

            var (low, high) = ParzenEstimator.SamplingRange(distribution);
            var width = Math.Max(high - low, 1e-12);
            var sigma = 0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (space.Count + 4)) * width;
            var minSigma = magicClip ? width / Math.Min(100.0, 1.0 + n + 1) : 1e-12 * width;
            sigma = Math.Clamp(sigma, minSigma, width);
            var mus = observations.Select(o => ParzenEstimator.ToSampling(distribution, o[p])).Append(0.5 * (low + high)).ToArray();
            var sigmas = Enumerable.Repeat(sigma, n).Append(width).ToArray();
            var logNormalizers = mus.Select((mu, k) =>
                Math.Log(Math.Max(NormalMath.Cdf((high - mu) / sigmas[k]) - NormalMath.Cdf((low - mu) / sigmas[k]), 1e-300))).ToArray();
            _dimensions[p] = new Dimension(distribution, low, high, mus, sigmas, logNormalizers, null, normalized);
        }
    }

    /// <summary>Internal values in the order of the space, snapped to each distribution.</summary>
    public double[] Sample(Random random)
    {
        var pick = random.NextDouble();
        var k = 0;
        for (; k < _logWeights.Length - 1; k++)
        {
            pick -= Math.Exp(_logWeights[k]);
            if (pick < 0)
            {
                break;
            }
        }

        var values = new double[_dimensions.Length];
        for (var p = 0; p < _dimensions.Length; p++)
        {
            values[p] = _dimensions[p].Sample(k, random);
        }

        return values;
    }

    public double LogDensity(double[] values)
    {
        Span<double> terms = _logWeights.Length <= 1024 ? stackalloc double[_logWeights.Length] : new double[_logWeights.Length];
        for (var k = 0; k < _logWeights.Length; k++)
        {
            terms[k] = _logWeights[k];
            for (var p = 0; p < _dimensions.Length; p++)
            {
                terms[k] += _dimensions[p].LogKernel(k, values[p]);
            }
        }

        return NormalMath.LogSumExp(terms);
    }

    private sealed record Dimension(Distribution Distribution, double Low, double High, double[] Mus, double[] Sigmas, double[] LogNormalizers, double[][]? LogProbabilities,
        bool Normalized)
    {
        public double Sample(int kernel, Random random)
        {
            if (LogProbabilities is { } probabilities)
            {
                var u = random.NextDouble();
                var row = probabilities[kernel];
                for (var c = 0; c < row.Length; c++)
                {
                    u -= Math.Exp(row[c]);
                    if (u < 0)
                    {
                        return c;
                    }
                }

                return row.Length - 1;
            }

            for (var attempt = 0; attempt < 100; attempt++)
            {
                var x = Mus[kernel] + Sigmas[kernel] * SeededRandom.Normal(random);
                if (x >= Low && x <= High)
                {
                    return Distribution.Snap(ParzenEstimator.FromSampling(Distribution, x));
                }
            }

            return Distribution.Snap(ParzenEstimator.FromSampling(Distribution, Low + random.NextDouble() * (High - Low)));
        }

        public double LogKernel(int kernel, double internalValue)
        {
            if (LogProbabilities is { } probabilities)
            {
                return probabilities[kernel][(int)internalValue];
            }

            var x = ParzenEstimator.ToSampling(Distribution, internalValue);
            return ParzenEstimator.LogKernel(Distribution, x, Mus[kernel], Sigmas[kernel], Low, High, Normalized) - LogNormalizers[kernel];
        }
    }
}
