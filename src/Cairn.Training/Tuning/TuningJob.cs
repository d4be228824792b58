using System.Collections.Concurrent;
using System.Globalization;
using Cairn.Client;
using Cairn.Core.Tracking;
using Cairn.Models.Sdk;
using Cairn.Training.Jobs;
using Cairn.Tuning.Samplers;
using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Training.Tuning;

/// <summary>How a tuning job ended.</summary>
public sealed record TuneResult(string ParentRunId, string ExperimentId, IReadOnlyList<TrialRecord> Trials, TrialRecord? Best, string? BestRunId,
    string? RegisteredVersion, StopReason Reason);

/// <summary>
/// Runs a study over a training job's hyperparameters. The study is a parent run; each trial is a training job in a
/// nested run (params = the assignment plus every trainer option, the objective as a metric, tag <c>cairn.tune.trial</c>).
/// The trial runs are the study's only state: resuming reads them back and continues the study where it stopped.
/// </summary>
public sealed class TuningJob(CairnClient client)
{
    public const string TrialTag = "cairn.tune.trial";

    /// <summary>Each suggested value is also a tag of the trial run, exactly as suggested, so a resumed study reads it back.</summary>
    public const string ParamTagPrefix = "cairn.tune.param.";
    private const string ObjectiveTag = "cairn.tune.objective";

    public async Task<TuneResult> RunAsync(TuneSpec spec, string? specFile = null, string? resumeRunId = null,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        // Data problems surface before any run exists.
        await TrainingJob.LoadTableAsync(spec.Training, cancellationToken);
        await using var parent = resumeRunId is null
            ? await client.StartRunAsync(spec.Training.Experiment, spec.Training.RunName ?? "tune", new Dictionary<string, string>
            {
                [ObjectiveTag] = $"{(spec.Direction == Direction.Maximize ? "maximize" : "minimize")} {spec.Objective}",
                ["mlflow.source.name"] = specFile is null ? "cairn tune" : Path.GetFileName(specFile),
            }, cancellationToken)
            : await client.ResumeRunAsync(resumeRunId, cancellationToken);
        try
        {
            if (resumeRunId is null)
            {
                LogStudyParams(parent, spec);
            }

            var (previous, runIds) = await PreviousTrialsAsync(parent, spec, cancellationToken);
            var study = Study.Restore(spec.Direction, Sampler(spec), Pruner(spec), previous);
            var best = new BestSoFar(spec.Direction, study.BestTrial?.Value);
            var reason = await study.OptimizeAsync(async (trial, token) =>
            {
                var (trainer, assignment) = Assign(spec, trial);
                var hyperparameters = new Dictionary<string, object?>(spec.TrainerSpaces is null ? spec.Training.Trainer.Hyperparameters : new Dictionary<string, object?>());
                foreach (var (name, suggested) in assignment)
                {
                    var option = spec.TrainerSpaces is null ? name : name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
                    hyperparameters[option] = suggested is double or long or string or bool ? suggested : Convert.ToString(suggested, CultureInfo.InvariantCulture);
                }

                var trialSpec = spec.Training with
                {
                    RunName = $"trial-{trial.Number}",
                    RegisterAs = null,
                    Trainer = new TrainerSpec(trainer, hyperparameters),
                };
                var trialTags = new Dictionary<string, string>
                {
                    [WellKnownTags.ParentRunId] = parent.RunId,
                    [TrialTag] = trial.Number.ToString(CultureInfo.InvariantCulture),
                };
                foreach (var (name, suggestedValue) in trial.Params)
                {
                    trialTags[ParamTagPrefix + name] = Format(suggestedValue, roundTrip: true);
                }

                var foldValues = new List<double>();
                var result = await new TrainingJob(client).RunAsync(trialSpec, specFile, null, token, trialTags, (fold, metrics) =>
                {
                    // The running mean over folds is the trial's intermediate value; step = fold.
                    if (spec.Pruner == "none" || !metrics.TryGetValue(spec.Objective, out var foldValue))
                    {
                        return;
                    }

                    foldValues.Add(foldValue);
                    trial.Report(fold, foldValues.Average());
                    if (trial.ShouldPrune())
                    {
                        progress?.Report($"trial {trial.Number}: pruned after fold {fold + 1} ({spec.Objective} so far {foldValues.Average().ToString("G6", CultureInfo.InvariantCulture)})");
                        throw new TrialPrunedException();
                    }
                });
                runIds[trial.Number] = result.RunId;
                var value = result.Metrics.TryGetValue(spec.Objective, out var v) ? v
                    : throw new InvalidOperationException($"The trial did not log '{spec.Objective}'.");
                var (bestValue, improved) = best.Offer(value);
                parent.LogMetric("best_" + spec.Objective, bestValue, trial.Number);
                progress?.Report($"trial {trial.Number}: {spec.Objective} = {value.ToString("G6", CultureInfo.InvariantCulture)}" +
                    $"{(improved ? " (best so far)" : "")}  {string.Join(", ", trial.Params.Select(a => $"{a.Key}={Format(a.Value)}"))}");
                return value;
            }, new OptimizeOptions
            {
                MaxTrials = spec.MaxTrials,
                Parallelism = spec.Parallelism,
                TimeBudget = spec.TimeBudget,
                NoImprovementTrials = spec.NoImprovementTrials,
            }, cancellationToken);

            var winner = study.BestTrial;
            string? bestRunId = winner is null ? null : runIds.GetValueOrDefault(winner.Number);
            string? version = null;
            if (winner is not null && bestRunId is not null)
            {
                parent.SetTag("cairn.tune.best_run_id", bestRunId);
                parent.SetTag("cairn.tune.best_trial", winner.Number.ToString(CultureInfo.InvariantCulture));
                if (spec.RegisterBestAs is { } name)
                {
                    var model = (await client.SearchLoggedModelsAsync([parent.ExperimentId], $"source_run_id = '{bestRunId}'", cancellationToken: cancellationToken)).FirstOrDefault()
                        ?? throw new InvalidOperationException($"The best trial's run {bestRunId} has no logged model.");
                    version = (await client.RegisterLoggedModelAsync(name, model.Info.ModelId, bestRunId, cancellationToken)).Version;
                }
            }

            await parent.FlushAsync(cancellationToken);
            return new TuneResult(parent.RunId, parent.ExperimentId, study.Trials, winner, bestRunId, version, reason);
        }
        catch
        {
            parent.Fail();
            throw;
        }
    }

    /// <summary>The trainer and the suggested values of one trial; across trainers, only the chosen trainer's options.</summary>
    private static (string Trainer, Dictionary<string, object?> Assignment) Assign(TuneSpec spec, Trial trial)
    {
        if (spec.TrainerSpaces is not { } trainers)
        {
            return (spec.Training.Trainer.Name, spec.Space.ToDictionary(p => p.Key, p => trial.Suggest(p.Key, p.Value)));
        }

        var trainer = (string)trial.Suggest(AutoMlSpace.TrainerParameter, spec.Space[AutoMlSpace.TrainerParameter])!;
        return (trainer, trainers[trainer].ToDictionary(name => name, name => trial.Suggest(name, spec.Space[name])));
    }

    private static ISampler Sampler(TuneSpec spec) => spec.Sampler switch
    {
        "random" => new RandomSampler(spec.Seed),
        "sobol" => new SobolSampler(spec.Seed),
        "grid" => GridSampler.From(spec.Space, spec.Seed),
        "gp" => new GpSampler(spec.Seed),
        _ => new TpeSampler(spec.Seed, new TpeOptions { Multivariate = spec.Multivariate }),
    };

    private static Cairn.Tuning.Pruners.IPruner? Pruner(TuneSpec spec) => spec.Pruner switch
    {
        "median" => new Cairn.Tuning.Pruners.MedianPruner(startupTrials: 5),
        "asha" => new Cairn.Tuning.Pruners.SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2),
        "hyperband" => new Cairn.Tuning.Pruners.HyperbandPruner(1, Math.Max(1, spec.Training.Split.Folds - 1), 2),
        _ => null,
    };

    private static void LogStudyParams(ActiveRun parent, TuneSpec spec)
    {
        parent.LogParam("objective", spec.Objective);
        parent.LogParam("direction", spec.Direction == Direction.Maximize ? "maximize" : "minimize");
        parent.LogParam("sampler", spec.Sampler == "tpe" && spec.Multivariate ? "tpe (multivariate)" : spec.Sampler);
        parent.LogParam("pruner", spec.Pruner);
        parent.LogParam("seed", spec.Seed.ToString(CultureInfo.InvariantCulture));
        parent.LogParam("trainer", spec.TrainerSpaces is null ? spec.Training.Trainer.Name : string.Join(", ", spec.TrainerSpaces.Keys));
        foreach (var (name, distribution) in spec.Space)
        {
            parent.LogParam("space." + name, Describe(distribution));
        }
    }

    /// <summary>
    /// The trials of an earlier attempt, read from the parent's nested runs: finished runs with the objective are
    /// complete, anything else failed. Numbers never used (a run that was never created) are filled as failed.
    /// </summary>
    private async Task<(List<TrialRecord> Trials, ConcurrentDictionary<int, string> RunIds)> PreviousTrialsAsync(ActiveRun parent, TuneSpec spec, CancellationToken cancellationToken)
    {
        var runIds = new ConcurrentDictionary<int, string>();
        var children = await client.SearchRunsAsync([parent.ExperimentId], $"tags.`{WellKnownTags.ParentRunId}` = '{parent.RunId}'", viewType: ViewType.All, cancellationToken: cancellationToken);
        var byNumber = new Dictionary<int, TrialRecord>();
        foreach (var run in children)
        {
            var tags = (run.Data.Tags ?? []).ToDictionary(t => t.Key!, t => t.Value);
            if (!tags.TryGetValue(TrialTag, out var text) || !int.TryParse(text, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var values = new Dictionary<string, double>();
            foreach (var (key, raw) in tags.Where(t => t.Key.StartsWith(ParamTagPrefix, StringComparison.Ordinal)))
            {
                var name = key[ParamTagPrefix.Length..];
                if (spec.Space.TryGetValue(name, out var distribution) && distribution.ToInternal(raw) is { } internalValue)
                {
                    values[name] = distribution.Snap(internalValue);
                }
            }

            var metric = (run.Data.Metrics ?? []).FirstOrDefault(m => m.Key == spec.Objective)?.Value;
            var complete = run.Info.Status == RunStatus.Finished && metric is not null && values.Count > 0;
            byNumber[number] = new TrialRecord(number, complete ? TrialState.Complete : TrialState.Failed, values,
                spec.Space.Where(p => values.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value), complete ? metric : null, new Dictionary<long, double>());
            runIds[number] = run.Info.RunId;
        }

        var count = byNumber.Count == 0 ? 0 : byNumber.Keys.Max() + 1;
        var trials = Enumerable.Range(0, count).Select(n => byNumber.GetValueOrDefault(n)
            ?? new TrialRecord(n, TrialState.Failed, new Dictionary<string, double>(), new Dictionary<string, Distribution>(), null, new Dictionary<long, double>())).ToList();
        return (trials, runIds);
    }

    private static string Describe(Distribution distribution) => distribution switch
    {
        FloatDistribution f => $"float [{f.Low.ToString(CultureInfo.InvariantCulture)}, {f.High.ToString(CultureInfo.InvariantCulture)}]{(f.Log ? " log" : "")}{(f.Step is { } s ? $" step {s.ToString(CultureInfo.InvariantCulture)}" : "")}",
        IntDistribution i => $"int [{i.Low}, {i.High}]{(i.Log ? " log" : "")}{(i.Step != 1 ? $" step {i.Step}" : "")}",
        CategoricalDistribution c => "one of " + string.Join(", ", c.Choices.Select(Format)),
        _ => distribution.ToString(),
    };

    private static string Format(object? value) => Format(value, roundTrip: false);

    private static string Format(object? value, bool roundTrip) => value switch
    {
        double d => d.ToString(roundTrip ? "R" : "G6", CultureInfo.InvariantCulture),
        null => "null",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The best objective value so far, shared by the workers.</summary>
    private sealed class BestSoFar(Direction direction, double? start)
    {
        private readonly Lock _gate = new();
        private double? _best = start;

        public (double Best, bool Improved) Offer(double value)
        {
            lock (_gate)
            {
                var improved = _best is not { } b || (direction == Direction.Maximize ? value > b : value < b);
                if (improved)
                {
                    _best = value;
                }

                return (_best!.Value, improved);
            }
        }
    }
}
