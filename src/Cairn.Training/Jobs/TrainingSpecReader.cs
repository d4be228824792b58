using System.Globalization;
using Cairn.Models.Package;
using Cairn.Training.Evaluation;
using Cairn.Training.Trainers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cairn.Training.Jobs;

/// <summary>
/// Reads <c>job.yaml</c> and checks it against the spec's schema before any data is touched: unknown keys, wrong types,
/// missing keys, trainers that do not fit the task and hyperparameters the trainer does not have are all reported at once.
/// </summary>
public static class TrainingSpecReader
{
    private static readonly string[] TopKeys = ["name", "experiment", "task", "data", "split", "trainer", "metrics", "register_as", "plots", "feature_importance"];
    private static readonly string[] DataKeys = ["path", "format", "header", "skip_rows", "separator", "columns", "label", "features", "ignore", "positive_class"];
    private static readonly string[] SplitKeys = ["validation_fraction", "k_folds", "seed"];
    private static readonly string[] TrainerKeys = ["name", "hyperparameters"];

    public static TrainingSpec ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw TrainingSpecException.One($"The spec file '{path}' does not exist.");
        }

        return Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    public static TrainingSpec Parse(string yaml, string baseDirectory) => FromMap(LoadMap(yaml), baseDirectory);

    /// <summary>The spec's YAML as a map of plain values; not YAML or not a mapping is a <see cref="TrainingSpecException"/>.</summary>
    public static Dictionary<string, object?> LoadMap(string yaml)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode mapping
                ? YamlValues.ToMap(mapping)
                : throw TrainingSpecException.One("The spec must be a YAML mapping (key: value lines).");
        }
        catch (YamlException error)
        {
            throw TrainingSpecException.One($"The spec is not valid YAML (line {error.Start.Line}): {error.Message}");
        }
    }

    /// <summary>Checks an already parsed spec (a tuning spec hands over everything but its own section).</summary>
    public static TrainingSpec FromMap(Dictionary<string, object?> root, string baseDirectory)
    {
        var problems = new List<string>();
        var check = new Checker(problems);
        check.KnownKeys(root, TopKeys, "");
        var task = check.Enum("task", root.GetValueOrDefault("task"), required: true, ("binary", PredictionTask.BinaryClassification),
            ("multiclass", PredictionTask.MulticlassClassification), ("regression", PredictionTask.Regression));
        var data = ReadData(check, check.Map("data", root.GetValueOrDefault("data"), required: true) ?? []);
        var split = ReadSplit(check, check.Map("split", root.GetValueOrDefault("split"), required: false) ?? []);
        var trainerMap = check.Map("trainer", root.GetValueOrDefault("trainer"), required: true) ?? [];
        check.KnownKeys(trainerMap, TrainerKeys, "trainer.");
        var trainerName = check.Text("trainer.name", trainerMap.GetValueOrDefault("name"), required: true);
        var hyperparameters = check.Map("trainer.hyperparameters", trainerMap.GetValueOrDefault("hyperparameters"), required: false) ?? [];
        if (trainerName is not null && task is { } knownTask)
        {
            problems.AddRange(TrainerCatalog.Check(trainerName, knownTask, hyperparameters));
        }

        var metrics = check.TextList("metrics", root.GetValueOrDefault("metrics")) ?? [];
        if (task is { } t)
        {
            var known = TaskMetrics.Known(t);
            problems.AddRange(metrics.Where(m => !known.Contains(m) && !m.StartsWith("precision_class_", StringComparison.Ordinal)
                    && !m.StartsWith("recall_class_", StringComparison.Ordinal) && !m.StartsWith("f1_score_class_", StringComparison.Ordinal))
                .Select(m => $"metrics: '{m}' is not a {Word(t)} metric (known: {string.Join(", ", known)})."));
        }

        var importance = root.GetValueOrDefault("feature_importance");
        var repeats = importance switch
        {
            null or true => 3,
            false => 0,
            Dictionary<string, object?> map => check.Int("feature_importance.repeats", map.GetValueOrDefault("repeats"), 1, 50) ?? 3,
            _ => check.Fail<int>("feature_importance: expected true, false or {repeats: N}."),
        };

        if (problems.Count > 0)
        {
            throw new TrainingSpecException(problems);
        }

        return new TrainingSpec
        {
            RunName = check.Text("name", root.GetValueOrDefault("name"), required: false),
            Experiment = check.Text("experiment", root.GetValueOrDefault("experiment"), required: false) ?? "Default",
            Task = task!.Value,
            Data = data!,
            Split = split,
            Trainer = new TrainerSpec(trainerName!, hyperparameters),
            Metrics = metrics,
            RegisterAs = check.Text("register_as", root.GetValueOrDefault("register_as"), required: false),
            Plots = check.Bool("plots", root.GetValueOrDefault("plots")) ?? true,
            FeatureImportanceRepeats = repeats,
            BaseDirectory = baseDirectory,
        };
    }

    private static string Word(PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification => "binary",
        PredictionTask.MulticlassClassification => "multiclass",
        _ => "regression",
    };

    private static DataSpec? ReadData(Checker check, Dictionary<string, object?> map)
    {
        check.KnownKeys(map, DataKeys, "data.");
        var path = check.Text("data.path", map.GetValueOrDefault("path"), required: true);
        var format = check.Text("data.format", map.GetValueOrDefault("format"), required: false)
            ?? (path?.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) == true ? "parquet" : "csv");
        if (format is not ("csv" or "parquet"))
        {
            check.Fail<int>($"data.format: '{format}' is not csv or parquet.");
        }

        var separator = check.Text("data.separator", map.GetValueOrDefault("separator"), required: false) ?? ",";
        if (separator.Length != 1 && separator != "\\t")
        {
            check.Fail<int>($"data.separator: expected one character (or \\t), got '{separator}'.");
        }

        var label = check.Text("data.label", map.GetValueOrDefault("label"), required: true);
        var features = map.GetValueOrDefault("features") is null ? null : ReadFeatures(check, map["features"]);
        var columns = check.TextList("data.columns", map.GetValueOrDefault("columns"));
        var header = check.Bool("data.header", map.GetValueOrDefault("header")) ?? true;
        if (!header && columns is null)
        {
            check.Fail<int>("data.columns: a file without a header (data.header: false) needs its column names here.");
        }

        if (path is null || label is null)
        {
            return null;
        }

        return new DataSpec
        {
            Path = path,
            Format = format,
            Header = header,
            SkipRows = check.Int("data.skip_rows", map.GetValueOrDefault("skip_rows"), 0, 1_000_000) ?? 0,
            Separator = separator == "\\t" ? '\t' : separator[0],
            Columns = columns,
            Label = label,
            Features = features,
            Ignore = check.TextList("data.ignore", map.GetValueOrDefault("ignore")) ?? [],
            PositiveClass = check.Text("data.positive_class", map.GetValueOrDefault("positive_class"), required: false),
        };
    }

    private static List<FeatureSpec> ReadFeatures(Checker check, object? value)
    {
        if (value is not List<object?> list)
        {
            check.Fail<int>("data.features: expected a list of column names or {name, type} entries.");
            return [];
        }

        var features = new List<FeatureSpec>();
        for (var i = 0; i < list.Count; i++)
        {
            var key = $"data.features[{i}]";
            switch (list[i])
            {
                case string name:
                    features.Add(new FeatureSpec(name, FeatureKind.Numeric));
                    break;
                case Dictionary<string, object?> entry:
                    check.KnownKeys(entry, ["name", "type"], key + ".");
                    var name2 = check.Text(key + ".name", entry.GetValueOrDefault("name"), required: true);
                    var kind = check.Enum(key + ".type", entry.GetValueOrDefault("type") ?? "float", required: false,
                        ("float", FeatureKind.Numeric), ("double", FeatureKind.Numeric), ("int", FeatureKind.Numeric), ("numeric", FeatureKind.Numeric),
                        ("bool", FeatureKind.Boolean), ("categorical", FeatureKind.Categorical), ("text", FeatureKind.Text));
                    if (name2 is not null && kind is not null)
                    {
                        features.Add(new FeatureSpec(name2, kind.Value));
                    }

                    break;
                default:
                    check.Fail<int>($"{key}: expected a column name or {{name, type}}.");
                    break;
            }
        }

        foreach (var duplicate in features.GroupBy(f => f.Name).Where(g => g.Count() > 1))
        {
            check.Fail<int>($"data.features: '{duplicate.Key}' is listed twice.");
        }

        return features;
    }

    private static SplitSpec ReadSplit(Checker check, Dictionary<string, object?> map)
    {
        check.KnownKeys(map, SplitKeys, "split.");
        var folds = check.Int("split.k_folds", map.GetValueOrDefault("k_folds"), 2, 20);
        var fraction = check.Double("split.validation_fraction", map.GetValueOrDefault("validation_fraction"), 0, 1, exclusive: true);
        if (folds is not null && fraction is not null)
        {
            check.Fail<int>("split: give validation_fraction or k_folds, not both.");
        }

        return new SplitSpec(fraction ?? 0.2, folds ?? 0, check.Int("split.seed", map.GetValueOrDefault("seed"), 0, int.MaxValue) ?? 0);
    }

    /// <summary>Typed reads that record a problem instead of throwing, so every problem is reported at once.</summary>
    private sealed class Checker(List<string> problems)
    {
        public T Fail<T>(string problem)
        {
            problems.Add(problem);
            return default!;
        }

        public void KnownKeys(Dictionary<string, object?> map, string[] known, string prefix)
        {
            foreach (var key in map.Keys.Where(k => !known.Contains(k)))
            {
                problems.Add($"{prefix}{key}: unknown key (expected one of {string.Join(", ", known)}).");
            }
        }

        public Dictionary<string, object?>? Map(string key, object? value, bool required) => value switch
        {
            Dictionary<string, object?> map => map,
            null when !required => null,
            null => Fail<Dictionary<string, object?>?>($"{key}: required."),
            _ => Fail<Dictionary<string, object?>?>($"{key}: expected a mapping of keys to values."),
        };

        public string? Text(string key, object? value, bool required) => value switch
        {
            string s when s.Length > 0 => s,
            null when !required => null,
            null => Fail<string?>($"{key}: required."),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } s2 && value is not (Dictionary<string, object?> or List<object?>)
                ? s2 : Fail<string?>($"{key}: expected text."),
        };

        public List<string>? TextList(string key, object? value) => value switch
        {
            null => null,
            List<object?> list when list.All(v => v is string) => list.Cast<string>().ToList(),
            _ => Fail<List<string>?>($"{key}: expected a list of names."),
        };

        public bool? Bool(string key, object? value) => value switch
        {
            null => null,
            bool b => b,
            _ => Fail<bool?>($"{key}: expected true or false."),
        };

        public int? Int(string key, object? value, int min, int max) => value switch
        {
            null => null,
            long n when n >= min && n <= max => (int)n,
            long => Fail<int?>($"{key}: must be between {min} and {max}."),
            _ => Fail<int?>($"{key}: expected a whole number."),
        };

        public double? Double(string key, object? value, double min, double max, bool exclusive)
        {
            double? number = value switch { long n => n, double d => d, _ => null };
            if (value is null)
            {
                return null;
            }

            if (number is not { } x)
            {
                return Fail<double?>($"{key}: expected a number.");
            }

            return (exclusive ? x > min && x < max : x >= min && x <= max) ? x : Fail<double?>($"{key}: must be between {min} and {max}{(exclusive ? " (exclusive)" : "")}.");
        }

        public T? Enum<T>(string key, object? value, bool required, params (string Name, T Value)[] options)
            where T : struct
        {
            if (value is null)
            {
                return required ? Fail<T?>($"{key}: required (one of {string.Join(", ", options.Select(o => o.Name))}).") : null;
            }

            var text = value as string;
            var match = options.FirstOrDefault(o => o.Name == text);
            return match.Name is not null ? match.Value : Fail<T?>($"{key}: '{value}' is not one of {string.Join(", ", options.Select(o => o.Name))}.");
        }
    }
}
