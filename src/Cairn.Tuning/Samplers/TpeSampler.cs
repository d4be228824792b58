using Cairn.Tuning.Samplers.Optuna;
using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Samplers;

/// <summary>TPE settings; the defaults are Optuna's (see docs/tuning.md).</summary>
public sealed record TpeOptions
{
    /// <summary>Random suggestions until this many trials have finished (complete or pruned).</summary>
    public int StartupTrials { get; init; } = 10;

    /// <summary>Candidates drawn from the good-trials density per suggestion.</summary>
    public int EiCandidates { get; init; } = 24;

    public double PriorWeight { get; init; } = 1.0;

    public bool ConsiderMagicClip { get; init; } = true;

    public bool ConsiderEndpoints { get; init; }

    /// <summary>Running trials count as bad observations, so parallel workers do not all suggest the same point.</summary>
    public bool ConstantLiar { get; init; } = true;

    /// <summary>
    /// Model the parameters every finished trial shares jointly (Optuna's <c>multivariate=True</c>); others stay univariate.
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
/// <see cref="TpeOptions.Multivariate"/>, joint over the parameters all finished trials share. Finished trials are
/// ranked, the best γ(n) = min(⌈0.1·n⌉, 25) form the "good" group, the rest the "bad" one; of 24 candidates drawn from
/// the good density the one that maximises log l(x) − log g(x) is suggested. Trials without the parameter are ranked
/// too, then left out of its densities, so conditional parameters are modelled over the trials where they exist.
/// <para>
/// It reproduces Optuna 3.1's <c>TPESampler(seed=s)</c> (with <c>multivariate=True</c> when multivariate) suggestion
/// for suggestion: start-up draws come from one NumPy <c>RandomState(seed)</c> (Optuna's random sampler), TPE and joint
/// draws from another, each consumed in the order they are made. Like Optuna's, a sampler serves one study. So that a study restored from its trials goes
/// on as an uninterrupted one would, a fresh sampler first moves both streams past the draws the trials it is shown
/// took (counted as a sequential study takes them; enqueued values count as drawn).
/// </para>
/// </summary>
public sealed class TpeSampler(int seed = 0, TpeOptions? options = null) : IJointSampler
{
    private readonly TpeOptions _options = options ?? new TpeOptions();
    private readonly Lock _streamsGate = new();
    private NumpyRandomState? _startupStream;
    private NumpyRandomState? _tpeStream;

    public int Seed { get; } = seed;

    public double Sample(StudyView study, TrialRecord trial, string name, Distribution distribution)
    {
        if (SingleValue(distribution) is { } only)
        {
            return only;
        }

        var finished = study.Trials.Count(t => t.Number != trial.Number && IsFinished(t));
        lock (_streamsGate)
        {
            var (startup, tpe) = Streams(study, trial, currentJointDrawn: true);
            if (finished < _options.StartupTrials)
            {
                return StartupDraw(startup, distribution);
            }

            var random = tpe;
            var (good, bad) = Split(study, study.Trials.Where(t => t.Number != trial.Number).ToList());
            bool Has(TrialRecord t) => t.Distributions.TryGetValue(name, out var d) && d == distribution;
            var below = Estimator(distribution, name, good.Where(Has).ToList());
            var above = Estimator(distribution, name, bad.Where(Has).ToList());
            var candidates = below.Sample(random, _options.EiCandidates);
            return candidates[FirstMaximum(candidates.Length, i => below.LogDensity(candidates[i]) - above.LogDensity(candidates[i]))];
        }
    }

    /// <summary>Optuna's random sampler: one uniform per number in its sampling space (one per choice for categories, argmax).</summary>
    private static double StartupDraw(NumpyRandomState random, Distribution distribution)
    {
        switch (distribution)
        {
            case CategoricalDistribution c:
                var best = 0;
                var bestDraw = double.NegativeInfinity;
                for (var i = 0; i < c.Choices.Count; i++)
                {
                    var u = random.Uniform(0, 1);
                    if (u > bestDraw)
                    {
                        (best, bestDraw) = (i, u);
                    }
                }

                return best;
            case FloatDistribution { Log: true } f:
                return Math.Min(Math.Exp(random.Uniform(Math.Log(f.Low), Math.Log(f.High))), Math.BitDecrement(f.High));
            case FloatDistribution { Step: { } step } f:
                return random.Uniform(f.Low - 0.5 * step, f.High + 0.5 * step);
            case FloatDistribution f:
                return Math.Min(random.Uniform(f.Low, f.High), Math.BitDecrement(f.High));
            case IntDistribution { Log: true } i:
                return Math.Exp(random.Uniform(Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5)));
            case IntDistribution i:
                return random.Uniform(i.Low - 0.5 * i.Step, i.High + 0.5 * i.Step);
            default:
                throw new ArgumentOutOfRangeException(nameof(distribution), distribution, null);
        }
    }

    /// <summary>Optuna asks no sampler for a range of one value.</summary>
    private static double? SingleValue(Distribution distribution) => distribution switch
    {
        FloatDistribution f when f.Low == f.High => f.Low,
        IntDistribution i when i.Low == i.High => i.Low,
        CategoricalDistribution { Choices.Count: 1 } => 0,
        _ => null,
    };

    private static bool IsFinished(TrialRecord trial) => trial is { State: TrialState.Complete, Value: not null } or { State: TrialState.Pruned };

    /// <summary>
    /// The two NumPy streams; on first use, moved past the draws the trials before this one (and its own parameters so
    /// far) took, as a sequential study takes them: a trial that started with fewer than the start-up count finished took start-up draws for each
    /// parameter; later ones, in multivariate mode, one joint draw over the shared space of the trials finished before
    /// it (candidates × (1 + its size)), and 2 × candidates TPE draws for each parameter outside it.
    /// </summary>
    private (NumpyRandomState Startup, NumpyRandomState Tpe) Streams(StudyView study, TrialRecord current, bool currentJointDrawn)
    {
        if (_startupStream is not null && _tpeStream is not null)
        {
            return (_startupStream, _tpeStream);
        }

        long startupDraws = 0, tpeDraws = 0;
        var finishedBefore = 0;
        Dictionary<string, Distribution>? shared = null;
        foreach (var trial in study.Trials.Where(t => t.Number <= current.Number).OrderBy(t => t.Number))
        {
            var isCurrent = trial.Number == current.Number;
            var joint = _options.Multivariate && finishedBefore >= _options.StartupTrials ? Ordered(shared) : [];
            if (joint.Count > 0 && (!isCurrent || currentJointDrawn))
            {
                tpeDraws += (1L + joint.Count) * _options.EiCandidates;
            }

            foreach (var (name, distribution) in isCurrent ? current.Distributions : trial.Distributions)
            {
                if (SingleValue(distribution) is not null || joint.Contains((name, distribution)))
                {
                    continue;
                }

                if (finishedBefore < _options.StartupTrials)
                {
                    startupDraws += distribution is CategoricalDistribution c ? c.Choices.Count : 1;
                }
                else
                {
                    tpeDraws += 2L * _options.EiCandidates;
                }
            }

            if (!isCurrent && IsFinished(trial))
            {
                finishedBefore++;
                shared = Intersect(shared, trial);
            }
        }

        _startupStream = new NumpyRandomState(Seed);
        _tpeStream = new NumpyRandomState(Seed);
        _startupStream.SkipDoubles(startupDraws);
        _tpeStream.SkipDoubles(tpeDraws);
        return (_startupStream, _tpeStream);
    }

    public bool Multivariate => _options.Multivariate;

    /// <summary>
    /// Multivariate mode (Optuna's <c>sample_relative</c>): one joint draw over the parameters every finished trial
    /// shares, scored by the joint l(x)/g(x), from the TPE stream; nothing before the start-up trials have finished.
    /// </summary>
    public IReadOnlyDictionary<string, JointValue> SampleJoint(StudyView study, TrialRecord trial)
    {
        var others = study.Trials.Where(t => t.Number != trial.Number).ToList();
        var space = _options.Multivariate ? SharedSpace(others) : [];
        if (space.Count == 0 || others.Count(IsFinished) < _options.StartupTrials)
        {
            return new Dictionary<string, JointValue>();
        }

        lock (_streamsGate)
        {
            var (_, random) = Streams(study, trial, currentJointDrawn: false);
            var (good, bad) = Split(study, others);
            var below = JointEstimator(space, good.Where(t => JointSpace.Covers(t, space)).ToList());
            var above = JointEstimator(space, bad.Where(t => JointSpace.Covers(t, space)).ToList());
            var candidates = below.Sample(random, _options.EiCandidates);
            var best = FirstMaximum(candidates.Length, i => below.LogDensity(candidates[i]) - above.LogDensity(candidates[i]));

            return space.Select((p, i) => (p.Name, Value: new JointValue(p.Distribution, candidates[best][i]))).ToDictionary(p => p.Name, p => p.Value);
        }
    }

    /// <summary>
    /// Optuna's relative search space: the parameters every complete or pruned trial has with the same range, without
    /// single-value ranges, in the order the first finished trial asked for them (Optuna's dictionary order, which is
    /// also the order of its draws).
    /// </summary>
    private static List<(string Name, Distribution Distribution)> SharedSpace(IEnumerable<TrialRecord> trials)
    {
        Dictionary<string, Distribution>? space = null;
        foreach (var trial in trials.Where(IsFinished))
        {
            space = Intersect(space, trial);
        }

        return Ordered(space);
    }

    private static Dictionary<string, Distribution> Intersect(Dictionary<string, Distribution>? space, TrialRecord trial)
    {
        if (space is null)
        {
            return new Dictionary<string, Distribution>(trial.Distributions, StringComparer.Ordinal);
        }

        foreach (var name in space.Keys.ToList())
        {
            if (!trial.Distributions.TryGetValue(name, out var distribution) || distribution != space[name])
            {
                space.Remove(name);
            }
        }

        return space;
    }

    private static List<(string Name, Distribution Distribution)> Ordered(Dictionary<string, Distribution>? space) =>
        space is null ? [] : [.. space.Where(p => SingleValue(p.Value) is null).Select(p => (p.Key, p.Value))];

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

    /// <summary>
    /// Optuna's default weights: 1 below 25 observations; else a linear ramp from 1/n to 1 over the oldest n − 25
    /// (<c>np.linspace</c>'s arithmetic: i·step + 1/n, the last one exactly 1).
    /// </summary>
    public static double[] Weights(int n)
    {
        var weights = new double[n];
        if (n < 25)
        {
            Array.Fill(weights, 1.0);
            return weights;
        }

        var ramp = n - 25;
        var step = (1.0 - 1.0 / n) / (ramp - 1);
        for (var i = 0; i < ramp; i++)
        {
            weights[i] = ramp == 1 ? 1.0 / n : i == ramp - 1 ? 1.0 : i * step + 1.0 / n;
        }

        for (var i = ramp; i < n; i++)
        {
            weights[i] = 1.0;
        }

        return weights;
    }

    /// <summary>The index of the first highest score, as NumPy's argmax picks among ties.</summary>
    private static int FirstMaximum(int count, Func<int, double> score)
    {
        var best = 0;
        var bestScore = double.NaN;
        for (var i = 0; i < count; i++)
        {
            var value = score(i);
            if (i == 0 || value > bestScore)
            {
                (best, bestScore) = (i, value);
            }
        }

        return best;
    }
}
