using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace Cairn.Training.Autolog;

/// <summary>The trainer inside an estimator, its display name and the options object it was built with.</summary>
public sealed record DiscoveredTrainer(string Name, TrainerInputBase? Options)
{
    public string LabelColumn => (Options as TrainerInputBaseWithLabel)?.LabelColumnName ?? "Label";
}

/// <summary>
/// Finds the trainer in an ML.NET estimator chain by reflection. ML.NET keeps a chain's estimators and a trainer's
/// options in non-public fields; reading them is the only way to log what was really trained without asking the
/// caller to repeat it. Meta trainers (one-versus-all, pairwise coupling) are named after the trainer they wrap.
/// </summary>
public static class TrainerDiscovery
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static DiscoveredTrainer? Find(object estimator) => Find(estimator, depth: 0);

    private static DiscoveredTrainer? Find(object estimator, int depth)
    {
        if (depth > 4)
        {
            return null;
        }

        if (IsTrainer(estimator.GetType()))
        {
            var options = FieldsOf(estimator.GetType()).Select(f => f.GetValue(estimator)).OfType<TrainerInputBase>().FirstOrDefault();
            if (options is not null)
            {
                return new DiscoveredTrainer(estimator.GetType().Name.Split('`')[0], options);
            }

            // A meta trainer: the options belong to the trainer it wraps.
            var inner = FieldsOf(estimator.GetType()).Select(f => f.GetValue(estimator)).Where(v => v is not null && IsTrainer(v.GetType()))
                .Select(v => Find(v!, depth + 1)).FirstOrDefault(t => t is not null);
            var name = estimator.GetType().Name.Split('`')[0].Replace("Trainer", "", StringComparison.Ordinal);
            return inner is null ? new DiscoveredTrainer(estimator.GetType().Name.Split('`')[0], null) : inner with { Name = $"{name}({inner.Name})" };
        }

        // A chain: its estimators live in an array field; the trainer is normally the last one.
        foreach (var value in FieldsOf(estimator.GetType()).Select(f => f.GetValue(estimator)))
        {
            if (value is Array parts)
            {
                foreach (var part in parts.Cast<object?>().Reverse().Where(p => p is not null))
                {
                    if (Find(part!, depth + 1) is { } found)
                    {
                        return found;
                    }
                }
            }
        }

        return null;
    }

    private static bool IsTrainer(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition().Name.StartsWith("ITrainerEstimator", StringComparison.Ordinal));

    private static IEnumerable<FieldInfo> FieldsOf(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(Instance | BindingFlags.DeclaredOnly))
            {
                yield return field;
            }
        }
    }
}
