using Cairn.Training.Evaluation;
using Cairn.Training.Jobs;
using Cairn.Tuning.Studies;

namespace Cairn.Training.Tuning;

/// <summary>What <c>cairn automl</c> is asked for besides the data spec.</summary>
public sealed record AutoMlRequest
{
    /// <summary>binary, multiclass or regression; null takes the spec's task.</summary>
    public string? Task { get; init; }

    public IReadOnlyList<string>? Trainers { get; init; }

    /// <summary>The metric to optimise; null: roc_auc, accuracy_macro or r2_score by task.</summary>
    public string? Metric { get; init; }

    public int MaxTrials { get; init; } = 1000;

    public TimeSpan? TimeBudget { get; init; }

    public int Seed { get; init; }

    public int Parallelism { get; init; } = 1;

    public string? RegisterAs { get; init; }
}

/// <summary>
/// Turns a data spec (a training spec whose trainer may be left out) and an <see cref="AutoMlRequest"/> into a tuning
/// spec over every trainer and its main options, searched with TPE.
/// </summary>
public static class AutoMlSpecReader
{
    public static TuneSpec Read(string path, AutoMlRequest request)
    {
        if (!File.Exists(path))
        {
            throw TrainingSpecException.One($"The spec file '{path}' does not exist.");
        }

        var root = TrainingSpecReader.LoadMap(File.ReadAllText(path));
        if (request.Task is { } task)
        {
            root["task"] = task;
        }

        // The trainer is chosen by the search; any one makes the rest of the spec checkable.
        root["trainer"] = new Dictionary<string, object?> { ["name"] = "fasttree" };
        var training = TrainingSpecReader.FromMap(root, Path.GetDirectoryName(Path.GetFullPath(path))!);
        var metric = request.Metric ?? training.Task switch
        {
            PredictionTask.BinaryClassification => MetricNames.RocAuc,
            PredictionTask.MulticlassClassification => MetricNames.AccuracyMacro,
            _ => MetricNames.R2,
        };
        if (!TaskMetrics.Known(training.Task).Contains(metric))
        {
            throw TrainingSpecException.One($"--metric: '{metric}' is not a metric of this task (known: {string.Join(", ", TaskMetrics.Known(training.Task))}).");
        }

        (Dictionary<string, Cairn.Tuning.Space.Distribution> Space, Dictionary<string, IReadOnlyList<string>> TrainerSpaces) space;
        try
        {
            space = AutoMlSpace.Build(training.Task, request.Trainers ?? AutoMlSpace.Trainers);
        }
        catch (ArgumentException error)
        {
            throw TrainingSpecException.One($"--trainers: {error.Message}");
        }

        return new TuneSpec
        {
            Training = training with { Plots = false, FeatureImportanceRepeats = 0 },
            Objective = metric,
            Direction = metric is "log_loss" or "rmse" or "mse" or "mae" ? Direction.Minimize : Direction.Maximize,
            Sampler = "tpe",
            Seed = request.Seed,
            MaxTrials = request.MaxTrials,
            Parallelism = request.Parallelism,
            TimeBudget = request.TimeBudget,
            Space = space.Space,
            TrainerSpaces = space.TrainerSpaces,
            RegisterBestAs = request.RegisterAs,
        };
    }
}
