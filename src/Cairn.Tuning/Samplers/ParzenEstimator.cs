using Cairn.Tuning.Samplers.Optuna;
using Cairn.Tuning.Space;

namespace Cairn.Tuning.Samplers;

/// <summary>
/// TPE's density over one parameter, as Optuna 3.1's univariate <c>_ParzenEstimator</c> computes it: a weighted mixture
/// of truncated normal kernels, one per observation plus a prior kernel (σ = the range) at the centre. Numbers are
/// modelled in the sampling space: log space for log ranges, widened by half a step at both ends for stepped ranges,
/// where a value scores the kernel's mass over its cell. Categories: one smoothed row of choice probabilities per
/// observation plus a uniform prior row. Sums and draws follow NumPy's order, so a seed gives Optuna's numbers.
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly double[] _mus;
    private readonly double[] _sigmas;
    private readonly double[] _weights;
    private readonly double[] _logWeights;
    private readonly double[] _logMasses;

    // Each kernel's truncation bounds in its standard units, (low − μ)/σ and (high − μ)/σ.
    private readonly double[] _lowZ;
    private readonly double[] _highZ;
    private readonly double[][]? _categoryRows;
    private readonly double _low;
    private readonly double _high;
    private readonly double? _step;
    private readonly Distribution _distribution;
    private readonly bool _normalized;

    /// <param name="sharedBandwidth">
    /// Multivariate TPE: every observation's kernel gets this fraction of the range (before the clip) instead of the
    /// distance to its neighbours.
    /// </param>
    public ParzenEstimator(Distribution distribution, IReadOnlyList<double> observations, IReadOnlyList<double> weights, double priorWeight, bool magicClip, bool endpoints,
        bool normalized = false, double? sharedBandwidth = null)
    {
        _distribution = distribution;
        _normalized = normalized;
        var n = observations.Count;
        _weights = [.. weights.Take(n), priorWeight];
        var weightSum = Numpy.Sum(_weights);
        for (var i = 0; i < _weights.Length; i++)
        {
            _weights[i] /= weightSum;
        }

        _logWeights = [.. _weights.Select(w => Math.Log(w))];
        if (distribution is CategoricalDistribution categorical)
        {
            _categoryRows = CategoryRows(categorical.Choices.Count, observations, priorWeight);
            (_mus, _sigmas, _logMasses, _lowZ, _highZ) = ([], [], [], [], []);
            return;
        }

        (_low, _high) = SamplingRange(distribution);
        _step = StepOf(distribution);
        _mus = [.. observations.Select(v => ToSampling(distribution, v)), 0.5 * (_low + _high)];
        _sigmas = sharedBandwidth is { } fraction ? [.. _mus.Select(_ => fraction * (_high - _low))] : Bandwidths(_mus, _low, _high, endpoints);
        var maxSigma = 1.0 * (_high - _low);
        var minSigma = magicClip ? 1.0 * (_high - _low) / Math.Min(100.0, 1.0 + _mus.Length) : 1e-12;
        for (var i = 0; i < _sigmas.Length; i++)
        {
            _sigmas[i] = Math.Min(Math.Max(_sigmas[i], minSigma), maxSigma);
        }

        // The prior kernel spans the whole range.
        _sigmas[n] = 1.0 * (_high - _low);
        _lowZ = [.. _mus.Select((mu, k) => (_low - mu) / _sigmas[k])];
        _highZ = [.. _mus.Select((mu, k) => (_high - mu) / _sigmas[k])];
        _logMasses = [.. _lowZ.Select((a, k) => TruncatedNormal.LogGaussMass(a, _highZ[k]))];
    }

    /// <summary>
    /// <paramref name="count"/> draws in the distribution's internal space, rounded and clipped to its step as Optuna
    /// does: first the kernels (one <c>choice</c> over the weights), then one uniform per draw through the kernel's
    /// truncated-normal quantile (numbers) or its row of choice probabilities (categories).
    /// </summary>
    public double[] Sample(Random random, int count)
    {
        var kernels = Choice(random, Weights, count);
        var draws = new double[count];
        for (var s = 0; s < count; s++)
        {
            draws[s] = random.NextDouble();
        }

        for (var s = 0; s < count; s++)
        {
            draws[s] = DrawFromKernel(kernels[s], draws[s]);
        }

        return draws;
    }

    /// <summary>The mixture weights, normalised, the prior's last.</summary>
    internal double[] Weights => _weights;

    /// <summary>
    /// A draw from kernel k given a uniform u: the category whose cumulative probability first reaches u, or the
    /// kernel's truncated-normal u-quantile brought back to the internal space.
    /// </summary>
    internal double DrawFromKernel(int k, double u)
    {
        if (_categoryRows is { } rows)
        {
            var cumulative = 0.0;
            var below = 0;
            foreach (var p in rows[k])
            {
                cumulative += p;
                below += cumulative < u ? 1 : 0;
            }

            return below;
        }

        return FromSampling(TruncatedNormal.Ppf(u, _lowZ[k], _highZ[k]) * _sigmas[k] + _mus[k]);
    }

    /// <summary>
    /// Log density of an internal value. Each kernel keeps the height of a unit-width kernel (not divided by its
    /// bandwidth), as in Optuna 3.1, whose measured regrets set our targets: wide kernels (isolated observations and the
    /// prior) weigh more, which keeps TPE exploring. The ratio l/g is all TPE uses. Optuna 3.5 and later divide by the
    /// bandwidth (true densities); <see cref="TpeOptions.NormalizedKernels"/> does the same.
    /// </summary>
    public double LogDensity(double internalValue)
    {
        if (_categoryRows is { } rows)
        {
            var mixture = 0.0;
            for (var k = 0; k < rows.Length; k++)
            {
                mixture += rows[k][(int)internalValue] * _weights[k];
            }

            return Math.Log(mixture);
        }

        var x = ToSampling(_distribution, internalValue);
        Span<double> terms = _weights.Length <= 1024 ? stackalloc double[_weights.Length] : new double[_weights.Length];
        for (var k = 0; k < terms.Length; k++)
        {
            terms[k] = 0.0 + NumericKernelLogDensity(x, k) + _logWeights[k];
        }

        return LogSumExp(terms);
    }

    /// <summary>Kernel k's log density (its mass over the value's cell for stepped ranges) at an internal value.</summary>
    internal double KernelLogDensity(double internalValue, int k)
    {
        if (_categoryRows is { } rows)
        {
            return Math.Log(rows[k][(int)internalValue]);
        }

        return NumericKernelLogDensity(ToSampling(_distribution, internalValue), k);
    }

    private double NumericKernelLogDensity(double x, int k)
    {
        if (_step is { } q)
        {
            var upper = Math.Min(x + q / 2.0, _high);
            var lower = Math.Max(x - q / 2.0, _low);
            return TruncatedNormal.LogGaussMass((lower - _mus[k]) / _sigmas[k], (upper - _mus[k]) / _sigmas[k]) - _logMasses[k];
        }

        return TruncatedNormal.LogPdf((x - _mus[k]) / _sigmas[k], _lowZ[k], _highZ[k], _logMasses[k]) - (_normalized ? Math.Log(_sigmas[k]) : 0);
    }

    /// <summary>log Σ exp(terms) as Optuna takes it: shifted by the maximum, NumPy's pairwise sum; overwrites the terms.</summary>
    internal static double LogSumExp(Span<double> terms)
    {
        var max = double.NegativeInfinity;
        foreach (var t in terms)
        {
            max = Math.Max(max, t);
        }

        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        for (var k = 0; k < terms.Length; k++)
        {
            terms[k] = Math.Exp(terms[k] - max);
        }

        return Math.Log(Numpy.Sum(terms)) + max;
    }

    /// <summary>Legacy NumPy <c>choice</c> when the stream is NumPy's; the same cumulative search otherwise.</summary>
    internal static int[] Choice(Random random, double[] p, int count) =>
        random is NumpyRandomState numpy ? numpy.Choice(p, count) : NumpyRandomState.ChoiceFrom(p, count, random.NextDouble);

    /// <summary>One row per observation (prior/(n+1) everywhere, +1 at the observed choice) and a uniform prior row, each normalised.</summary>
    private static double[][] CategoryRows(int choices, IReadOnlyList<double> observations, double priorWeight)
    {
        var n = observations.Count;
        var rows = new double[n + 1][];
        for (var k = 0; k <= n; k++)
        {
            rows[k] = Enumerable.Repeat(priorWeight / (n + 1), choices).ToArray();
            if (k < n)
            {
                rows[k][(int)observations[k]] += 1;
            }

            var sum = Numpy.Sum(rows[k]);
            for (var c = 0; c < choices; c++)
            {
                rows[k][c] /= sum;
            }
        }

        return rows;
    }

    /// <summary>Back from the sampling space: exp for log ranges, then Optuna's rounding to the step and clipping.</summary>
    private double FromSampling(double x) => _distribution switch
    {
        FloatDistribution { Log: true } => Math.Exp(x),
        FloatDistribution { Step: { } q } f => Math.Clamp(Math.Round((x - f.Low) / q) * q + f.Low, f.Low, f.High),
        IntDistribution { Log: true } i => Math.Clamp(Math.Round(Math.Exp(x)), i.Low, i.High),
        IntDistribution i => Math.Clamp(Math.Round((x - i.Low) / i.Step) * i.Step + i.Low, i.Low, i.High),
        _ => x,
    };

    /// <summary>
    /// One kernel's log height at x in the sampling space, before truncation: for a stepped range (integers, floats with a
    /// step) the kernel's mass over x's cell of one step, as Optuna does; otherwise the normal density, times σ unless
    /// <paramref name="normalized"/> (see <see cref="LogDensity"/>).
    /// </summary>
    internal static double LogKernel(Distribution distribution, double x, double mu, double sigma, double low, double high, bool normalized) =>
        StepOf(distribution) is { } step
            ? NormalMath.LogMass((Math.Max(x - step / 2, low) - mu) / sigma, (Math.Min(x + step / 2, high) - mu) / sigma)
            : NormalMath.LogPdf(x, mu, sigma) + (normalized ? 0 : Math.Log(sigma));

    private static double? StepOf(Distribution distribution) => distribution switch
    {
        FloatDistribution { Log: false, Step: { } s } => s,
        IntDistribution { Log: false } i => i.Step,
        _ => null,
    };

    /// <summary>
    /// Each kernel's width is the larger distance to its neighbours among all centres, the prior's included (the range
    /// ends acting as outer neighbours); without endpoints the outermost centres use their inner neighbour only.
    /// </summary>
    private static double[] Bandwidths(double[] mus, double low, double high, bool endpoints)
    {
        var order = Numpy.ArgSort(mus);
        var withEnds = new double[mus.Length + 2];
        withEnds[0] = low;
        withEnds[^1] = high;
        for (var i = 0; i < mus.Length; i++)
        {
            withEnds[i + 1] = mus[order[i]];
        }

        var sorted = new double[mus.Length];
        for (var i = 0; i < mus.Length; i++)
        {
            sorted[i] = Math.Max(withEnds[i + 1] - withEnds[i], withEnds[i + 2] - withEnds[i + 1]);
        }

        if (!endpoints && mus.Length >= 2)
        {
            sorted[0] = withEnds[2] - withEnds[1];
            sorted[^1] = withEnds[^2] - withEnds[^3];
        }

        var sigmas = new double[mus.Length];
        for (var i = 0; i < mus.Length; i++)
        {
            sigmas[order[i]] = sorted[i];
        }

        return sigmas;
    }

    internal static (double Low, double High) SamplingRange(Distribution distribution) => distribution switch
    {
        FloatDistribution { Log: true } f => (Math.Log(f.Low), Math.Log(f.High)),
        FloatDistribution { Step: { } s } f => (f.Low - s / 2, f.High + s / 2),
        FloatDistribution f => (f.Low, f.High),
        IntDistribution { Log: true } i => (Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5)),
        IntDistribution i => (i.Low - i.Step / 2.0, i.High + i.Step / 2.0),
        _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, null),
    };

    internal static double ToSampling(Distribution distribution, double value) =>
        distribution is FloatDistribution { Log: true } or IntDistribution { Log: true } ? Math.Log(value) : value;

    internal static double FromSampling(Distribution distribution, double value) =>
        distribution is FloatDistribution { Log: true } or IntDistribution { Log: true } ? Math.Exp(value) : value;
}
