using Cairn.Tuning.Space;

namespace Cairn.Tuning.Samplers;

/// <summary>
/// Multivariate TPE's density over a joint space, as Optuna 3.1's <c>_ParzenEstimator</c> with <c>multivariate=True</c>:
/// one product kernel per observation, so a draw keeps the parameters of one good trial together, plus a wide prior
/// kernel. Numbers use one bandwidth per parameter, 0.2·n^(−1/(d+4))·(high − low), clipped like the univariate
/// estimator; categories the univariate estimator's rows. Kernel heights follow <see cref="ParzenEstimator"/>.
/// </summary>
internal sealed class MultivariateParzenEstimator
{
    private readonly ParzenEstimator[] _dimensions;
    private readonly double[] _weights;
    private readonly double[] _logWeights;

    public MultivariateParzenEstimator(IReadOnlyList<(string Name, Distribution Distribution)> space, IReadOnlyList<double[]> observations,
        IReadOnlyList<double> weights, double priorWeight, bool magicClip, bool normalized = false)
    {
        var sigma0 = 0.2 * Math.Pow(Math.Max(observations.Count, 1), -1.0 / (space.Count + 4));
        _dimensions = [.. space.Select((p, d) => new ParzenEstimator(p.Distribution, observations.Select(o => o[d]).ToList(), weights, priorWeight, magicClip,
            endpoints: false, normalized, sharedBandwidth: sigma0))];
        _weights = _dimensions[0].Weights;
        _logWeights = [.. _weights.Select(w => Math.Log(w))];
    }

    /// <summary>
    /// <paramref name="count"/> draws, internal values in the order of the space: one <c>choice</c> of kernels, then
    /// parameter by parameter one uniform per draw (Optuna's order).
    /// </summary>
    public double[][] Sample(Random random, int count)
    {
        var kernels = ParzenEstimator.Choice(random, _weights, count);
        var draws = new double[count][];
        for (var s = 0; s < count; s++)
        {
            draws[s] = new double[_dimensions.Length];
        }

        for (var d = 0; d < _dimensions.Length; d++)
        {
            var uniforms = new double[count];
            for (var s = 0; s < count; s++)
            {
                uniforms[s] = random.NextDouble();
            }

            for (var s = 0; s < count; s++)
            {
                draws[s][d] = _dimensions[d].DrawFromKernel(kernels[s], uniforms[s]);
            }
        }

        return draws;
    }

    public double LogDensity(double[] values)
    {
        Span<double> terms = _weights.Length <= 1024 ? stackalloc double[_weights.Length] : new double[_weights.Length];
        for (var k = 0; k < terms.Length; k++)
        {
            var sum = 0.0;
            for (var d = 0; d < _dimensions.Length; d++)
            {
                sum += _dimensions[d].KernelLogDensity(values[d], k);
            }

            terms[k] = sum + _logWeights[k];
        }

        return ParzenEstimator.LogSumExp(terms);
    }
}
