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

    /// <summary>Best candidates polished by a local optimiser of log-EI.</summary>
    public int RefineStarts { get; init; } = 5;

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
/// fitted by maximum marginal likelihood (on at most <see cref="GpOptions.MaxFitTrials"/> of them), and the next
/// assignment maximises expected improvement (as log-EI) over Sobol and local candidates followed by box-constrained
/// L-BFGS on the continuous inputs. Running trials join the GP at the worst loss seen (constant liar), so parallel workers
/// spread out instead of picking the same point. Parameters outside the joint space, and all of them during start-up,
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
        var scores = candidates.Select(c => Score(c)).ToArray();
        var order = Enumerable.Range(0, candidates.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();
        var (chosen, chosenScore) = (candidates[order[0]], scores[order[0]]);
        foreach (var start in order.Take(_options.RefineStarts))
        {
            var (refined, score) = Refine(unit, candidates[start], p => Score(p));
            if (score > chosenScore)
            {
                (chosen, chosenScore) = (refined, score);
            }
        }

        return unit.Decode(chosen);
    }

    private GaussianProcess FitHyperparameters(double[][] x, double[] y, Random random)
    {
        var cap = Math.Max(2, _options.MaxFitTrials);
        if (x.Length <= cap)
        {
            return GaussianProcess.Fit(x, y, random, _options.FitRestarts);
        }

        var rows = Enumerable.Range(0, cap).Select(i => (int)((long)i * x.Length / cap)).ToArray();
        var fitted = GaussianProcess.Fit([.. rows.Select(i => x[i])], [.. rows.Select(i => y[i])], random, _options.FitRestarts);
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

    /// <summary>Maximises log-EI over the continuous columns from a start point (central-difference gradient).</summary>
    private static (double[] Point, double Score) Refine(UnitSpace unit, double[] start, Func<double[], double> score)
    {
        var columns = unit.Refinable;
        if (columns.Length == 0)
        {
            return (start, score(start));
        }

        var point = (double[])start.Clone();
        double Objective(double[] z, double[] gradient)
        {
            for (var k = 0; k < columns.Length; k++)
            {
                point[columns[k]] = z[k];
            }

            var value = -score(point);
            const double h = 1e-6;
            for (var k = 0; k < columns.Length; k++)
            {
                var column = columns[k];
                point[column] = Math.Min(1, z[k] + h);
                var up = -score(point);
                point[column] = Math.Max(0, z[k] - h);
                var down = -score(point);
                gradient[k] = (up - down) / (Math.Min(1, z[k] + h) - Math.Max(0, z[k] - h));
                point[column] = z[k];
            }

            return double.IsFinite(value) ? value : double.MaxValue;
        }

        var (best, negativeScore) = BoxLbfgs.Minimize(Objective, columns.Select(c => start[c]).ToArray(),
            new double[columns.Length], Enumerable.Repeat(1.0, columns.Length).ToArray(), maxIterations: 30);
        var refined = (double[])start.Clone();
        for (var k = 0; k < columns.Length; k++)
        {
            refined[columns[k]] = best[k];
        }

        return (refined, -negativeScore);
    }
}
