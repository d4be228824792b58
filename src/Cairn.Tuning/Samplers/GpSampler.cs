using Cairn.Tuning.Samplers.Gp;
using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Samplers;

/// <summary>GP-BO settings.</summary>
public sealed record GpOptions
{
    /// <summary>Scrambled Sobol trials before the first GP fit; null means max(5, 2·columns of the joint space).</summary>
    public int? StartupTrials { get; init; }

    /// <summary>
    /// Sobol candidates per column of the joint space (at most 12,000 in all), plus <see cref="LocalCandidates"/> around each
    /// of the five best observations.
    /// </summary>
    public int CandidatesPerColumn { get; init; } = 2000;

    public int LocalCandidates { get; init; } = 64;

    /// <summary>
    /// Local searches (L-BFGS on log-EI) per suggestion: from the best candidate, from candidates drawn by roulette on their
    /// log-EI, and from the best observation.
    /// </summary>
    public int LocalSearches { get; init; } = 10;

    /// <summary>Fit the hyperparameters by MAP under <c>KernelPrior</c> (Optuna's prior shapes) rather than by likelihood alone.</summary>
    public bool KernelPrior { get; init; } = true;

    /// <summary>
    /// Least noise variance of the standardised losses the fit may choose. Optuna's 1e-6 caps the precision on smooth
    /// deterministic objectives (Branin's median regret at 100 evaluations: 3.5e-5 with it, below 1e-6 without).
    /// </summary>
    public double MinimumNoise { get; init; } = 1e-10;

    /// <summary>Random restarts of the hyperparameter fit (besides one neutral start).</summary>
    public int FitRestarts { get; init; } = 2;

    /// <summary>
    /// Past this many complete trials, the hyperparameters are fitted on this many of them, evenly spread over the history
    /// (the GP is then conditioned on all). The fit evaluates the likelihood a few hundred times at O(n³) each, so this keeps
    /// a suggestion well under a second at a few hundred trials (bench/tuning, gp-latency).
    /// </summary>
    public int MaxFitTrials { get; init; } = 100;
}

/// <summary>
/// Bayesian optimisation with a Gaussian process: losses of the complete trials are standardised, a Matérn-5/2 ARD GP is
/// fitted by maximum a posteriori under Optuna's prior shapes (on at most <see cref="GpOptions.MaxFitTrials"/> of them), and
/// the next assignment maximises expected improvement (as log-EI): Sobol and local candidates are scored, then
/// box-constrained L-BFGS on the continuous inputs runs from the best, from roulette-drawn ones and from the best trial.
/// Running trials join the GP at the worst loss seen (constant liar), so parallel workers spread out instead of picking
/// the same point. Parameters outside the joint space, and all of them during start-up,
/// come from scrambled Sobol points. Deterministic given the seed and the history.
/// </summary>
public sealed class GpSampler(int seed = 0, GpOptions? options = null) : IJointSampler
{
    private readonly GpOptions _options = options ?? new GpOptions();
    private readonly SobolSampler _startup = new(seed);

    public int Seed { get; } = seed;

    public double Sample(StudyView study, TrialRecord trial, string name, Distribution distribution)
    {
        var dimensions = Math.Max(study.Trials.Max(t => t.Params.Count), trial.Params.Count + 1);
        return dimensions <= SobolSampler.MaxDimensions
            ? _startup.Sample(study, trial, name, distribution)
            : RandomSampler.FromUnit(distribution, SeededRandom.For(Seed, trial.Number, name, "gp").NextDouble());
    }

    public IReadOnlyDictionary<string, JointValue> SampleJoint(StudyView study, TrialRecord trial)
    {
        var space = JointSpace.Of(study);
        if (space.Count == 0)
        {
            return new Dictionary<string, JointValue>();
        }

        var unit = new UnitSpace(space);
        var complete = study.Trials.Where(t => t.State == TrialState.Complete && t.Value is not null && JointSpace.Covers(t, space)).ToList();
        if (complete.Count < (_options.StartupTrials ?? Math.Max(5, 2 * unit.Width)))
        {
            return new Dictionary<string, JointValue>();
        }

        var x = complete.Select(unit.Encode).ToArray();
        var losses = complete.Select(t => study.Loss(t.Value!.Value)).ToArray();
        var mean = losses.Average();
        var sd = Math.Sqrt(losses.Sum(l => (l - mean) * (l - mean)) / losses.Length);
        var y = losses.Select(l => sd > 0 ? (l - mean) / sd : 0).ToArray();
        var random = SeededRandom.For(Seed, trial.Number, "", "gp");
        var gp = FitHyperparameters(x, y, random);

        // Constant liar: running trials' proposed points join the GP as if they had the worst loss seen. Believing the
        // predicted mean instead only shrinks the variance there, and the next worker lands right beside the pending point.
        var pending = study.Trials.Where(t => t.State == TrialState.Running && t.Number != trial.Number && JointSpace.Covers(t, space)).Select(unit.Encode).ToArray();
        if (pending.Length > 0)
        {
            var lie = y.Max();
            gp = gp.With(pending, pending.Select(_ => lie).ToArray());
        }

        var best = y.Min();
        double Score(ReadOnlySpan<double> point)
        {
            var (m, variance) = gp.Predict(point);
            return ExpectedImprovement.Log(m, Math.Sqrt(variance), best);
        }

        var candidates = Candidates(unit, x, y, trial.Number, random);
        var incumbent = x[Array.IndexOf(y, best)];
        var (chosen, _) = AcquisitionMaximizer.Maximize(p => Score(p), candidates, [incumbent], unit.Refinable, gp.LengthScales,
            _options.LocalSearches, random);
        return unit.Decode(chosen);
    }

    private GaussianProcess FitHyperparameters(double[][] x, double[] y, Random random)
    {
        var cap = Math.Max(2, _options.MaxFitTrials);
        if (x.Length <= cap)
        {
            return GaussianProcess.Fit(x, y, random, _options.FitRestarts, _options.KernelPrior, _options.MinimumNoise);
        }

        var rows = Enumerable.Range(0, cap).Select(i => (int)((long)i * x.Length / cap)).ToArray();
        var fitted = GaussianProcess.Fit([.. rows.Select(i => x[i])], [.. rows.Select(i => y[i])], random, _options.FitRestarts, _options.KernelPrior,
            _options.MinimumNoise);
        return GaussianProcess.Create(x, y, fitted.LengthScales, fitted.SignalVariance, fitted.NoiseVariance);
    }

    private List<double[]> Candidates(UnitSpace unit, double[][] x, double[] y, int trialNumber, Random random)
    {
        var candidates = new List<double[]>();
        var shift = unchecked(Seed * 7919 + trialNumber);
        var count = Math.Min(_options.CandidatesPerColumn * unit.Width, 12_000);
        for (var i = 0; i < count; i++)
        {
            var point = new double[unit.Width];
            for (var k = 0; k < unit.Width; k++)
            {
                point[k] = k < SobolSampler.MaxDimensions ? SobolSampler.Point(i, k, shift) : random.NextDouble();
            }

            unit.Project(point);
            candidates.Add(point);
        }

        // Around the best observations, where improvement is most likely; continuous columns only.
        foreach (var centre in Enumerable.Range(0, y.Length).OrderBy(i => y[i]).Take(5))
        {
            for (var i = 0; i < _options.LocalCandidates; i++)
            {
                var point = (double[])x[centre].Clone();
                var scale = (i % 3) switch { 0 => 0.1, 1 => 0.01, _ => 0.001 };
                foreach (var k in unit.Refinable)
                {
                    point[k] = Math.Clamp(point[k] + scale * SeededRandom.Normal(random), 0, 1);
                }

                candidates.Add(point);
            }
        }

        return candidates;
    }
}
