using Cairn.Tuning.Samplers;
using Cairn.Tuning.Space;

namespace Cairn.Tuning.Tests;

/// <summary>
/// TPE's univariate Parzen estimator against Optuna 3.1's (the version whose measured regrets set the TPE targets): the
/// observations below went into Optuna's <c>_ParzenEstimator</c> with its TPE defaults (prior weight 1, magic clip, no
/// endpoints, the default weights) and the log densities are the ones it printed.
/// </summary>
public sealed class ParzenEstimatorGoldenTests
{
    // The estimator now computes as Optuna does (its truncated normal, NumPy's summation order); what differs is the C
    // library's erf, exp and log1p against NumPy's vectorised ones, a few units in the last place.
    private const double Tolerance = 1e-12;

    private static ParzenEstimator Estimator(Distribution distribution, double[] observations) =>
        new(distribution, observations, TpeSampler.Weights(observations.Length), priorWeight: 1.0, magicClip: true, endpoints: false);

    [Fact]
    public void UniformFloat_MatchesOptuna_WithTheWeightRampOver30Observations()
    {
        var estimator = Estimator(new FloatDistribution(-5, 10),
        [
            0.6181, 9.2607, 5.9799, 3.9799, -2.6597, -2.6601, -4.1287, 7.9926, 4.0167, 5.6211, -4.6912, 9.5486, 7.4866, -1.8149, -2.2726,
            -2.2489, -0.4364, 2.8713, 1.4792, -0.6316, 4.1778, -2.9076, -0.6178, 0.4954, 1.841, 6.7776, -2.0049, 2.7135, 3.8862, -4.3032,
        ]);

        Assert.Equal(-2.657033171874728, estimator.LogDensity(-5.0), tolerance: Tolerance);
        Assert.Equal(-2.387063281700535, estimator.LogDensity(-1.3), tolerance: Tolerance);
        Assert.Equal(-2.4294208343924346, estimator.LogDensity(0.0), tolerance: Tolerance);
        Assert.Equal(-2.369659253998063, estimator.LogDensity(2.5), tolerance: Tolerance);
        Assert.Equal(-2.5626764249453142, estimator.LogDensity(7.75), tolerance: Tolerance);
        Assert.Equal(-2.963985144955919, estimator.LogDensity(10.0), tolerance: Tolerance);
    }

    [Fact]
    public void LogFloat_MatchesOptuna()
    {
        var estimator = Estimator(new FloatDistribution(1e-4, 1, log: true), [0.026926, 0.000481, 0.000182, 0.624514, 0.728665, 0.171234, 0.001654]);

        Assert.Equal(-1.540725093187969, estimator.LogDensity(1e-4), tolerance: Tolerance);
        Assert.Equal(-1.4682096147491825, estimator.LogDensity(3e-3), tolerance: Tolerance);
        Assert.Equal(-1.3947589091161166, estimator.LogDensity(0.05), tolerance: Tolerance);
        Assert.Equal(-1.1471356140085196, estimator.LogDensity(0.9), tolerance: Tolerance);
    }

    [Fact]
    public void Int_MatchesOptuna_AsTheKernelsMassOverEachIntegersCell()
    {
        var estimator = Estimator(new IntDistribution(1, 12), [5, 2, 4, 12, 12]);

        Assert.Equal(-2.689019604505069, estimator.LogDensity(1), tolerance: Tolerance);
        Assert.Equal(-2.1613003368547243, estimator.LogDensity(4), tolerance: Tolerance);
        Assert.Equal(-2.316999355484719, estimator.LogDensity(12), tolerance: Tolerance);
    }
}
