using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Samplers;

/// <summary>TPE settings; the defaults are Optuna's (see docs/tuning.md).</summary>
public sealed record TpeOptions
{
    /// <summary>Random suggestions until this many trials have completed.</summary>
    public int StartupTrials { get; init; } = 10;

    /// <summary>Candidates drawn from the good-trials density per suggestion.</summary>
    public int EiCandidates { get; init; } = 24;

    public double PriorWeight { get; init; } = 1.0;

    public bool ConsiderMagicClip { get; init; } = true;

    public bool ConsiderEndpoints { get; init; }

    /// <summary>Running trials count as bad observations, so parallel workers do not all suggest the same point.</summary>
    public bool ConstantLiar { get; init; } = true;

    /// <summary>
    /// Model the parameters every complete trial shares jointly (Optuna's <c>multivariate=True</c>); others stay univariate.
    /// </summary>
    public bool Multivariate { get; init; }

    /// <summary>
    /// Kernels as true densities (divided by their bandwidth), as Optuna 3.5 and later; off keeps Optuna 3.1's heights,
    /// with which the reference regrets were measured (bench/tuning/RESULTS.md compares both).
    /// </summary>
    public bool NormalizedKernels { get; init; }
}

/// <summary>
/// Tree-structured Parzen Estimator, univariate (one density pair per parameter, as Optuna's default) or, with
/// <see cref="TpeOptions.Multivariate"/>, joint over the parameters all complete trials share. Finished trials are
/// ranked, the best γ(n) = min(⌈0.1·n⌉, 25) form the "good" group, the rest the "bad" one; a candidate drawn from the good
/// density that maximises log l(x) − log g(x) is suggested. Only trials that have the parameter take part, so
/// conditional parameters are modelled over the trials where they exist.
/// </summary>
public sealed class TpeSampler(int seed = 0, TpeOptions? options = null) : IJointSampler
{
    private readonly TpeOptions _options = options ?? new TpeOptions();

    public int Seed { get; } = seed;

    public double Sample(StudyView study, TrialRecord trial, string name, Distribution distribution)
    {
        var random = SeededRandom.For(Seed, trial.Number, name, "tpe");
        var related = study.Trials.Where(t => t.Number != trial.Number && t.Distributions.TryGetValue(name, out var d) && d == distribution).ToList();
        if (related.Count(t => t.State == TrialState.Complete) < _options.StartupTrials)
        {
            return RandomSampler.FromUnit(distribution, random.NextDouble());
        }

        var (good, bad) = Split(study, related);
        var below = Estimator(distribution, name, good);
        var above = Estimator(distribution, name, bad);
        var best = double.NaN;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < _options.EiCandidates; i++)
        {
            var candidate = distribution.Snap(below.Sample(random));
            var score = below.LogDensity(candidate) - above.LogDensity(candidate);
            if (score > bestScore || double.IsNaN(best))
            {
                (best, bestScore) = (candidate, score);
            }
        }

        return best;
    }

    public bool Multivariate => _options.Multivariate;

    /// <summary>Multivariate mode: one joint draw over the shared parameters, scored by the joint l(x)/g(x).</summary>
    public IReadOnlyDictionary<string, JointValue> SampleJoint(StudyView study, TrialRecord trial)
    {
        var space = _options.Multivariate ? JointSpace.Of(study) : [];
        var related = study.Trials.Where(t => t.Number != trial.Number && JointSpace.Covers(t, space)).ToList();
        if (space.Count == 0 || related.Count(t => t.State == TrialState.Complete) < _options.StartupTrials)
        {
            return new Dictionary<string, JointValue>();
        }

        var random = SeededRandom.For(Seed, trial.Number, "", "mtpe");
        var (good, bad) = Split(study, related);
        var below = JointEstimator(space, good);
        var above = JointEstimator(space, bad);
        double[]? best = null;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < _options.EiCandidates; i++)
        {
            var candidate = below.Sample(random);
            var score = below.LogDensity(candidate) - above.LogDensity(candidate);
            if (score > bestScore || best is null)
            {
                (best, bestScore) = (candidate, score);
            }
        }

        return space.Select((p, i) => (p.Name, Value: new JointValue(p.Distribution, best![i]))).ToDictionary(p => p.Name, p => p.Value);
    }

    /// <summary>
    /// The good group (best γ(n) = min(⌈0.1·n⌉, 25)) and the bad one: complete trials by value, then pruned ones (further
    /// first, then by their last value); with the constant liar, running trials join the bad group. Failed trials carry nothing.
    /// </summary>
    private (List<TrialRecord> Good, List<TrialRecord> Bad) Split(StudyView study, List<TrialRecord> related)
    {
        var finished = related.Where(t => t.State == TrialState.Complete && t.Value is not null).OrderBy(t => study.Loss(t.Value!.Value))
            .Concat(related.Where(t => t.State == TrialState.Pruned).OrderByDescending(t => t.LastStep ?? -1).ThenBy(t => t.Value is { } v ? study.Loss(v) : double.PositiveInfinity))
            .ToList();
        var goodCount = Math.Min((int)Math.Ceiling(0.1 * finished.Count), 25);
        var good = finished.Take(goodCount).ToList();
        var bad = finished.Skip(goodCount).ToList();
        if (_options.ConstantLiar)
        {
            bad.AddRange(related.Where(t => t.State == TrialState.Running));
        }

        return (good, bad);
    }

    private MultivariateParzenEstimator JointEstimator(IReadOnlyList<(string Name, Distribution Distribution)> space, List<TrialRecord> group)
    {
        var byAge = group.OrderBy(t => t.Number).ToList();
        return new MultivariateParzenEstimator(space, byAge.Select(t => space.Select(p => t.Params[p.Name]).ToArray()).ToList(), Weights(byAge.Count),
            _options.PriorWeight, _options.ConsiderMagicClip, _options.NormalizedKernels);
    }

    private ParzenEstimator Estimator(Distribution distribution, string name, List<TrialRecord> group)
    {
        var byAge = group.OrderBy(t => t.Number).ToList();
        return new ParzenEstimator(distribution, byAge.Select(t => t.Params[name]).ToList(), Weights(byAge.Count),
            _options.PriorWeight, _options.ConsiderMagicClip, _options.ConsiderEndpoints, _options.NormalizedKernels);
    }

    /// <summary>Optuna's default weights: 1 below 25 observations; else a linear ramp from 1/n to 1 over the oldest n − 25.</summary>
    public static double[] Weights(int n)
    {
        var weights = new double[n];
        if (n < 25)
        {
            Array.Fill(weights, 1.0);
            return weights;
        }

        var ramp = n - 25;
        for (var i = 0; i < ramp; i++)
        {
            weights[i] = ramp == 1 ? 1.0 / n : 1.0 / n + i * (1.0 - 1.0 / n) / (ramp - 1);
        }

        for (var i = ramp; i < n; i++)
        {
            weights[i] = 1.0;
        }

        return weights;
    }
}
