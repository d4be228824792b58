using Cairn.Tuning.Space;

namespace Cairn.Tuning.Samplers;

/// <summary>
/// TPE's density over one parameter: a weighted mixture of truncated normal kernels, one per observation plus a wide prior
/// kernel at the centre of the range (Optuna's univariate estimator). Numbers are modelled in the sampling space: log
/// space for log ranges, widened by half a step at both ends for stepped ranges; categories as smoothed weighted counts.
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly double[] _mus;
    private readonly double[] _sigmas;
    private readonly double[] _logWeights;
    private readonly double[] _logNormalizers;
    private readonly double[]? _categoryLogProbabilities;
    private readonly double _low;
    private readonly double _high;
    private readonly Distribution _distribution;
    private readonly bool _normalized;

    public ParzenEstimator(Distribution distribution, IReadOnlyList<double> observations, IReadOnlyList<double> weights, double priorWeight, bool magicClip, bool endpoints,
        bool normalized = false)
    {
        _distribution = distribution;
        _normalized = normalized;
        if (distribution is CategoricalDistribution categorical)
        {
            var counts = Enumerable.Repeat(priorWeight / categorical.Choices.Count, categorical.Choices.Count).ToArray();
            for (var i = 0; i < observations.Count; i++)
            {
                counts[(int)observations[i]] += weights[i];
            }

            var total = counts.Sum();
            _categoryLogProbabilities = counts.Select(c => Math.Log(c / total)).ToArray();
            (_mus, _sigmas, _logWeights, _logNormalizers) = ([], [], [], []);
            return;
        }

        (_low, _high) = SamplingRange(distribution);
        var xs = observations.Select(v => ToSampling(distribution, v)).ToArray();
        var n = xs.Length;
        _mus = [.. xs, 0.5 * (_low + _high)];
        var width = _high - _low;
        _sigmas = Bandwidths(_mus, _low, _high, endpoints);
        var minSigma = magicClip ? width / Math.Min(100.0, 1.0 + _mus.Length) : 1e-12 * Math.Max(1, width);
        for (var i = 0; i < n; i++)
        {
            _sigmas[i] = Math.Clamp(_sigmas[i], Math.Max(minSigma, 1e-12), Math.Max(width, 1e-12));
        }

        // The prior kernel spans the whole range.
        _sigmas[n] = Math.Max(width, 1e-12);
        var allWeights = weights.Append(priorWeight).ToArray();
        var weightSum = allWeights.Sum();
        _logWeights = allWeights.Select(w => Math.Log(w / weightSum)).ToArray();
        _logNormalizers = _mus.Select((mu, i) =>
            Math.Log(Math.Max(NormalMath.Cdf((_high - mu) / _sigmas[i]) - NormalMath.Cdf((_low - mu) / _sigmas[i]), 1e-300))).ToArray();
    }

    /// <summary>A draw in the distribution's internal space (not yet snapped to its step).</summary>
    public double Sample(Random random)
    {
        if (_categoryLogProbabilities is { } probabilities)
        {
            var u = random.NextDouble();
            for (var c = 0; c < probabilities.Length; c++)
            {
                u -= Math.Exp(probabilities[c]);
                if (u < 0)
                {
                    return c;
                }
            }

            return probabilities.Length - 1;
        }

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

        // Rejection from the kernel's normal: the kernel's centre lies in the range and its width is at least 1% of it,
        // so a draw lands inside at least about half the time.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var x = _mus[k] + _sigmas[k] * SeededRandom.Normal(random);
            if (x >= _low && x <= _high)
            {
                return FromSampling(_distribution, x);
            }
        }

        return FromSampling(_distribution, _low + random.NextDouble() * (_high - _low));
    }

    /// <summary>
    /// Log "density" of an internal value. Each kernel keeps the height of a unit-width kernel (it is not divided by its
    /// bandwidth), as in Optuna 3.1, whose measured regrets set our targets: wide kernels (isolated observations and the
    /// prior) weigh more, which keeps TPE exploring. With true densities TPE did measurably worse on Branin and
    /// Hartmann-6 (bench/tuning). The ratio l/g is all TPE uses, so the missing normalisation changes nothing else. Optuna
    /// 3.5 and later divide by the bandwidth (true densities); <see cref="TpeOptions.NormalizedKernels"/> does the same.
    /// </summary>
    public double LogDensity(double internalValue)
    {
        if (_categoryLogProbabilities is { } probabilities)
        {
            return probabilities[(int)internalValue];
        }

        var x = ToSampling(_distribution, internalValue);
        Span<double> terms = stackalloc double[_mus.Length];
        for (var k = 0; k < _mus.Length; k++)
        {
            terms[k] = _logWeights[k] + LogKernel(_distribution, x, _mus[k], _sigmas[k], _low, _high, _normalized) - _logNormalizers[k];
        }

        return NormalMath.LogSumExp(terms);
    }

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
        var order = Enumerable.Range(0, mus.Length).OrderBy(i => mus[i]).ToArray();
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
