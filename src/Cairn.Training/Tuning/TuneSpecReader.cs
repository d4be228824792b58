using System.Globalization;
using Cairn.Training.Jobs;
using Cairn.Training.Trainers;
using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Training.Tuning;

/// <summary>
/// Reads <c>tune.yaml</c>: a training spec plus a <c>tune</c> section. Every problem of both parts is reported at once,
/// before any data is read; each searched hyperparameter is tried on the trainer at both ends of its range.
/// </summary>
public static class TuneSpecReader
{
    private static readonly string[] TuneKeys = ["objective", "direction", "sampler", "multivariate", "pruner", "seed", "max_trials", "parallelism", "time_budget", "patience", "space", "register_best_as"];

    public static TuneSpec ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw TrainingSpecException.One($"The spec file '{path}' does not exist.");
        }

        return Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    public static TuneSpec Parse(string yaml, string baseDirectory)
    {
        var root = TrainingSpecReader.LoadMap(yaml);
        var problems = new List<string>();
        var tune = root.GetValueOrDefault("tune") as Dictionary<string, object?>;
        if (tune is null)
        {
            problems.Add("tune: required (a mapping with objective, direction, space, …).");
        }

        root.Remove("tune");
        TrainingSpec? training = null;
        try
        {
            training = TrainingSpecReader.FromMap(root, baseDirectory);
        }
        catch (TrainingSpecException error)
        {
            problems.AddRange(error.Problems);
        }

        tune ??= [];
        problems.AddRange(tune.Keys.Where(k => !TuneKeys.Contains(k)).Select(k => $"tune.{k}: unknown key (expected one of {string.Join(", ", TuneKeys)})."));
        var objective = tune.GetValueOrDefault("objective") as string;
        if (objective is null)
        {
            problems.Add("tune.objective: required (a metric the job logs, e.g. roc_auc).");
        }
        else if (training is not null && !TaskMetrics.Known(training.Task).Contains(objective) && !objective.Contains("_class_", StringComparison.Ordinal))
        {
            problems.Add($"tune.objective: '{objective}' is not a metric of this task (known: {string.Join(", ", TaskMetrics.Known(training.Task))}).");
        }

        var direction = (tune.GetValueOrDefault("direction") as string) switch
        {
            "maximize" or "maximise" => Direction.Maximize,
            "minimize" or "minimise" => Direction.Minimize,
            null => Fail(problems, "tune.direction: required (maximize or minimize).", Direction.Maximize),
            var other => Fail(problems, $"tune.direction: '{other}' is not maximize or minimize.", Direction.Maximize),
        };
        var sampler = tune.GetValueOrDefault("sampler") as string ?? "tpe";
        if (sampler is not ("tpe" or "random" or "grid" or "sobol" or "gp"))
        {
            problems.Add($"tune.sampler: '{sampler}' is not one of tpe, random, grid, sobol, gp.");
        }

        var multivariate = tune.GetValueOrDefault("multivariate") switch
        {
            null => false,
            bool b when !b || sampler == "tpe" => b,
            bool => Fail(problems, $"tune.multivariate: only the tpe sampler has a multivariate mode (the sampler is {sampler}).", false),
            var other => Fail(problems, $"tune.multivariate: '{other}' is not true or false.", false),
        };

        var pruner = tune.GetValueOrDefault("pruner") as string ?? "none";
        if (pruner is not ("none" or "median" or "asha" or "hyperband"))
        {
            problems.Add($"tune.pruner: '{pruner}' is not one of none, median, asha, hyperband.");
        }
        else if (pruner != "none" && training is { Split.IsCrossValidation: false })
        {
            problems.Add("tune.pruner: pruning compares trials fold by fold, so it needs split.k_folds.");
        }

        var space = ReadSpace(tune.GetValueOrDefault("space"), problems, sampler == "grid");
        if (training is not null)
        {
            foreach (var (name, distribution) in space)
            {
                foreach (var probe in Probes(distribution))
                {
                    var merged = new Dictionary<string, object?>(training.Trainer.Hyperparameters) { [name] = probe };
                    problems.AddRange(TrainerCatalog.Check(training.Trainer.Name, training.Task, merged).Select(p => $"tune.space.{name}: {p}").Distinct());
                }
            }
        }

        var spec = new TuneSpec
        {
            Training = training!,
            Objective = objective!,
            Direction = direction,
            Sampler = sampler,
            Multivariate = multivariate,
            Pruner = pruner,
            Seed = Int(tune, "seed", 0, int.MaxValue, problems) ?? 0,
            MaxTrials = Int(tune, "max_trials", 1, 100_000, problems) ?? 20,
            Parallelism = Int(tune, "parallelism", 1, 64, problems) ?? 1,
            NoImprovementTrials = Int(tune, "patience", 1, 100_000, problems),
            TimeBudget = tune.GetValueOrDefault("time_budget") is { } budget ? Duration(budget, problems) : null,
            Space = space,
            RegisterBestAs = tune.GetValueOrDefault("register_best_as") as string,
        };
        return problems.Count > 0 ? throw new TrainingSpecException(problems.Distinct().ToList()) : spec;
    }

    private static Dictionary<string, Distribution> ReadSpace(object? value, List<string> problems, bool grid)
    {
        var space = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        if (value is not Dictionary<string, object?> map || map.Count == 0)
        {
            problems.Add("tune.space: required: hyperparameter name → {type: float|int|categorical, low, high, log, step, choices}.");
            return space;
        }

        foreach (var (name, entry) in map)
        {
            var key = $"tune.space.{name}";
            if (entry is not Dictionary<string, object?> range)
            {
                problems.Add($"{key}: expected a mapping such as {{type: float, low: 0.01, high: 0.3, log: true}}.");
                continue;
            }

            try
            {
                Distribution distribution = (range.GetValueOrDefault("type") as string) switch
                {
                    "float" => new FloatDistribution(Number(range, "low"), Number(range, "high"), range.GetValueOrDefault("log") is true,
                        range.GetValueOrDefault("step") is null ? null : Number(range, "step")),
                    "int" => new IntDistribution((long)Number(range, "low"), (long)Number(range, "high"),
                        range.GetValueOrDefault("step") is null ? 1 : (long)Number(range, "step"), range.GetValueOrDefault("log") is true),
                    "categorical" => new CategoricalDistribution(range.GetValueOrDefault("choices") as List<object?>
                        ?? throw new ArgumentException("choices: required (a list).")),
                    var other => throw new ArgumentException($"type: '{other}' is not float, int or categorical."),
                };
                if (grid && distribution is FloatDistribution { Step: null })
                {
                    throw new ArgumentException("grid search needs a step for float ranges.");
                }

                space[name] = distribution;
            }
            catch (ArgumentException error)
            {
                problems.Add($"{key}: {error.Message}");
            }
        }

        return space;
    }

    /// <summary>Values the trainer must accept: both ends of a range, every choice.</summary>
    private static IEnumerable<object?> Probes(Distribution distribution) => distribution switch
    {
        FloatDistribution f => [f.Low, f.High],
        IntDistribution i => [i.Low, i.High],
        CategoricalDistribution c => c.Choices,
        _ => [],
    };

    private static double Number(Dictionary<string, object?> range, string key) => range.GetValueOrDefault(key) switch
    {
        long n => n,
        double d => d,
        null => throw new ArgumentException($"{key}: required."),
        var other => throw new ArgumentException($"{key}: '{other}' is not a number."),
    };

    private static int? Int(Dictionary<string, object?> tune, string key, int min, int max, List<string> problems) => tune.GetValueOrDefault(key) switch
    {
        null => null,
        long n when n >= min && n <= max => (int)n,
        _ => Fail<int?>(problems, $"tune.{key}: expected a whole number from {min} to {max}.", null),
    };

    private static TimeSpan? Duration(object value, List<string> problems)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return DurationText.TryParse(text) ?? Fail<TimeSpan?>(problems, $"tune.time_budget: '{text}' is not a duration like 90s, 10m or 2h.", null);
    }

    private static T Fail<T>(List<string> problems, string problem, T fallback)
    {
        problems.Add(problem);
        return fallback;
    }
}
