using Cairn.Training.Jobs;
using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Training.Tuning;

/// <summary>A tuning job: a training spec whose trainer hyperparameters are searched (see docs/tuning.md).</summary>
public sealed record TuneSpec
{
    public required TrainingSpec Training { get; init; }

    /// <summary>The logged metric to optimise, e.g. roc_auc.</summary>
    public required string Objective { get; init; }

    public required Direction Direction { get; init; }

    /// <summary>random, grid, sobol, tpe or gp (GP-based Bayesian optimisation).</summary>
    public required string Sampler { get; init; }

    /// <summary>TPE only: model the parameters jointly (multivariate TPE) instead of one at a time.</summary>
    public bool Multivariate { get; init; }

    public int Seed { get; init; }

    /// <summary>none, median, asha or hyperband; pruning judges the running mean of the objective after each fold.</summary>
    public string Pruner { get; init; } = "none";

    public required int MaxTrials { get; init; }

    public int Parallelism { get; init; } = 1;

    public TimeSpan? TimeBudget { get; init; }

    public int? NoImprovementTrials { get; init; }

    /// <summary>
    /// Parameter name → its range. Without <see cref="TrainerSpaces"/> the names are the trainer's options (snake_case);
    /// with it, <c>trainer</c> picks the trainer and <c>&lt;trainer&gt;.&lt;option&gt;</c> are that trainer's options.
    /// </summary>
    public required IReadOnlyDictionary<string, Distribution> Space { get; init; }

    /// <summary>For a search across trainers (AutoML): trainer name → the names in <see cref="Space"/> it uses.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? TrainerSpaces { get; init; }

    /// <summary>Register the best trial's model under this name when the study ends.</summary>
    public string? RegisterBestAs { get; init; }
}
