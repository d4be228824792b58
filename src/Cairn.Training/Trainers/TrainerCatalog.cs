using System.Globalization;
using System.Reflection;
using Cairn.Training.Evaluation;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Cairn.Training.Trainers;

/// <summary>
/// The ML.NET trainers a job can name, for each task. Hyperparameters are the trainer's own option fields in snake_case
/// (<c>number_of_trees</c> sets <c>NumberOfTrees</c>), so every option ML.NET documents is available and checked by name and type.
/// </summary>
public static class TrainerCatalog
{
    public const string LabelColumn = "Label";
    public const string FeaturesColumn = "Features";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["sdca_logistic_regression"] = "sdca",
        ["sdca_maximum_entropy"] = "sdca",
        ["lbfgs_logistic_regression"] = "lbfgs",
        ["lbfgs_maximum_entropy"] = "lbfgs",
        ["fast_tree"] = "fasttree",
        ["fast_forest"] = "fastforest",
        ["light_gbm"] = "lightgbm",
    };

    /// <summary>Trainer names, each usable for every task.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sdca", "lbfgs", "fasttree", "fastforest", "lightgbm"];

    public static string Canonical(string name) => Aliases.GetValueOrDefault(name, name);

    /// <summary>Problems with a trainer choice, as "trainer…: what is wrong" lines; empty when it is fine.</summary>
    public static IReadOnlyList<string> Check(string name, PredictionTask task, IReadOnlyDictionary<string, object?> hyperparameters)
    {
        if (!Names.Contains(Canonical(name)))
        {
            return [$"trainer.name: '{name}' is not a trainer (known: {string.Join(", ", Names)})."];
        }

        var options = NewOptions(Canonical(name), task);
        var problems = new List<string>();
        foreach (var (key, value) in hyperparameters)
        {
            try
            {
                Set(options, key, value);
            }
            catch (ArgumentException error)
            {
                problems.Add($"trainer.hyperparameters.{key}: {error.Message}");
            }
        }

        if (problems.Count == 0)
        {
            try
            {
                Create(new MLContext(), name, task, hyperparameters);
            }
            catch (Exception error) when (error is ArgumentException or InvalidOperationException)
            {
                problems.Add($"trainer.hyperparameters: ML.NET refuses them: {error.Message}");
            }
        }

        return problems;
    }

    /// <summary>The trainer estimator (for multiclass tree trainers, one-versus-all over the binary trainer).</summary>
    public static IEstimator<ITransformer> Create(MLContext ml, string name, PredictionTask task, IReadOnlyDictionary<string, object?> hyperparameters)
    {
        var canonical = Canonical(name);
        var options = NewOptions(canonical, task);
        foreach (var (key, value) in hyperparameters)
        {
            Set(options, key, value);
        }

        return (canonical, task, options) switch
        {
            (_, _, SdcaLogisticRegressionBinaryTrainer.Options o) => ml.BinaryClassification.Trainers.SdcaLogisticRegression(o),
            (_, _, SdcaMaximumEntropyMulticlassTrainer.Options o) => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(o),
            (_, _, SdcaRegressionTrainer.Options o) => ml.Regression.Trainers.Sdca(o),
            (_, _, LbfgsLogisticRegressionBinaryTrainer.Options o) => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(o),
            (_, _, LbfgsMaximumEntropyMulticlassTrainer.Options o) => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(o),
            (_, _, LbfgsPoissonRegressionTrainer.Options o) => ml.Regression.Trainers.LbfgsPoissonRegression(o),
            ("fasttree", PredictionTask.MulticlassClassification, FastTreeBinaryTrainer.Options o) =>
                ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(o)),
            (_, _, FastTreeBinaryTrainer.Options o) => ml.BinaryClassification.Trainers.FastTree(o),
            (_, _, FastTreeRegressionTrainer.Options o) => ml.Regression.Trainers.FastTree(o),
            ("fastforest", PredictionTask.MulticlassClassification, FastForestBinaryTrainer.Options o) =>
                ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastForest(o), useProbabilities: false),
            (_, _, FastForestBinaryTrainer.Options o) => ml.BinaryClassification.Trainers.FastForest(o),
            (_, _, FastForestRegressionTrainer.Options o) => ml.Regression.Trainers.FastForest(o),
            (_, _, LightGbmBinaryTrainer.Options o) => ml.BinaryClassification.Trainers.LightGbm(o),
            (_, _, LightGbmMulticlassTrainer.Options o) => ml.MulticlassClassification.Trainers.LightGbm(o),
            (_, _, LightGbmRegressionTrainer.Options o) => ml.Regression.Trainers.LightGbm(o),
            _ => throw new InvalidOperationException($"No {task} trainer for '{name}'."),
        };
    }

    /// <summary>The ML.NET class behind a name for a task (e.g. FastTreeBinaryTrainer), for logging.</summary>
    public static string ClassName(string name, PredictionTask task)
    {
        var canonical = Canonical(name);
        var trainer = NewOptions(canonical, task).GetType().DeclaringType!.Name;
        return canonical is "fasttree" or "fastforest" && task == PredictionTask.MulticlassClassification ? $"OneVersusAll({trainer})" : trainer;
    }

    /// <summary>Every option the trainer was given, default or not, as text (what a run logs as params).</summary>
    public static IReadOnlyDictionary<string, string> EffectiveHyperparameters(string name, PredictionTask task, IReadOnlyDictionary<string, object?> hyperparameters)
    {
        var options = NewOptions(Canonical(name), task);
        foreach (var (key, value) in hyperparameters)
        {
            Set(options, key, value);
        }

        return OptionValues(options);
    }

    /// <summary>The simple-valued options of an ML.NET trainer options object, keyed in snake_case; column names left out.</summary>
    public static IReadOnlyDictionary<string, string> OptionValues(object options)
    {
        return Settable(options.GetType())
            .Where(m => m.Name is not ("LabelColumnName" or "FeatureColumnName" or "ExampleWeightColumnName" or "RowGroupColumnName"))
            .Select(m => (Key: SnakeCase(m.Name), Value: Read(m, options)))
            .Where(p => p.Value is not null && IsSimple(p.Value.GetType()))
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => Convert.ToString(g.First().Value, CultureInfo.InvariantCulture) ?? "");
    }

    private static TrainerInputBaseWithLabel NewOptions(string name, PredictionTask task)
    {
        TrainerInputBaseWithLabel options = (name, task) switch
        {
            ("sdca", PredictionTask.BinaryClassification) => new SdcaLogisticRegressionBinaryTrainer.Options(),
            ("sdca", PredictionTask.MulticlassClassification) => new SdcaMaximumEntropyMulticlassTrainer.Options(),
            ("sdca", _) => new SdcaRegressionTrainer.Options(),
            ("lbfgs", PredictionTask.BinaryClassification) => new LbfgsLogisticRegressionBinaryTrainer.Options(),
            ("lbfgs", PredictionTask.MulticlassClassification) => new LbfgsMaximumEntropyMulticlassTrainer.Options(),
            ("lbfgs", _) => new LbfgsPoissonRegressionTrainer.Options(),
            ("fasttree", PredictionTask.Regression) => new FastTreeRegressionTrainer.Options(),
            ("fasttree", _) => new FastTreeBinaryTrainer.Options(),
            ("fastforest", PredictionTask.Regression) => new FastForestRegressionTrainer.Options(),
            ("fastforest", _) => new FastForestBinaryTrainer.Options(),
            ("lightgbm", PredictionTask.BinaryClassification) => new LightGbmBinaryTrainer.Options(),
            ("lightgbm", PredictionTask.MulticlassClassification) => new LightGbmMulticlassTrainer.Options(),
            ("lightgbm", _) => new LightGbmRegressionTrainer.Options(),
            _ => throw new ArgumentException($"'{name}' is not a trainer."),
        };
        options.LabelColumnName = LabelColumn;
        options.FeatureColumnName = FeaturesColumn;
        return options;
    }

    private static void Set(object options, string key, object? value)
    {
        var member = Settable(options.GetType()).FirstOrDefault(m => SnakeCase(m.Name) == key)
            ?? throw new ArgumentException($"not an option of this trainer (options: {string.Join(", ", Settable(options.GetType()).Where(m => IsSimple(TypeOf(m))).Select(m => SnakeCase(m.Name)).Distinct().Order())}).");
        var declared = TypeOf(member);
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        object? converted = value switch
        {
            null when !declared.IsValueType || Nullable.GetUnderlyingType(declared) is not null => null,
            long n when type == typeof(int) && n is >= int.MinValue and <= int.MaxValue => (int)n,
            long n when type == typeof(long) => n,
            long or double when type == typeof(double) => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            long or double when type == typeof(float) => Convert.ToSingle(value, CultureInfo.InvariantCulture),
            bool b when type == typeof(bool) => b,
            string s when type.IsEnum && Enum.TryParse(type, s, ignoreCase: true, out var parsed) => parsed,
            string s when type == typeof(string) => s,
            _ => throw new ArgumentException($"expected {Describe(type)}, got '{value}'."),
        };
        switch (member)
        {
            case FieldInfo field: field.SetValue(options, converted); break;
            case PropertyInfo property: property.SetValue(options, converted); break;
        }
    }

    private static IEnumerable<MemberInfo> Settable(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Instance).Where(f => !f.IsInitOnly).Cast<MemberInfo>()
            .Concat(type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0));

    private static Type TypeOf(MemberInfo member) => member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;

    private static object? Read(MemberInfo member, object target) => member is FieldInfo f ? f.GetValue(target) : ((PropertyInfo)member).GetValue(target);

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal);
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(float) || type == typeof(double) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ => type.Name,
    };

    public static string SnakeCase(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
