using Cairn.Training.Evaluation;
using Cairn.Training.Trainers;
using Cairn.Tuning.Space;

namespace Cairn.Training.Tuning;

/// <summary>
/// The search space of <c>cairn automl</c>: which trainer, then that trainer's main options. Ranges are the ones that
/// matter most for each family (regularisation for linear models; size, depth, learning rate and leaf size for trees).
/// </summary>
public static class AutoMlSpace
{
    public const string TrainerParameter = "trainer";

    private static readonly IReadOnlyDictionary<string, (string Option, Distribution Range)[]> Ranges = new Dictionary<string, (string, Distribution)[]>
    {
        ["sdca"] = [("l2_regularization", new FloatDistribution(1e-6, 1, log: true)), ("l1_regularization", new FloatDistribution(1e-6, 1, log: true))],
        ["lbfgs"] = [("l2_regularization", new FloatDistribution(1e-6, 1, log: true)), ("l1_regularization", new FloatDistribution(1e-6, 1, log: true))],
        ["fasttree"] =
        [
            ("number_of_trees", new IntDistribution(20, 500, log: true)), ("number_of_leaves", new IntDistribution(2, 128, log: true)),
            ("learning_rate", new FloatDistribution(0.01, 0.5, log: true)), ("minimum_example_count_per_leaf", new IntDistribution(1, 50, log: true)),
        ],
        ["fastforest"] =
        [
            ("number_of_trees", new IntDistribution(20, 500, log: true)), ("number_of_leaves", new IntDistribution(2, 128, log: true)),
            ("minimum_example_count_per_leaf", new IntDistribution(1, 50, log: true)),
        ],
        ["lightgbm"] =
        [
            ("number_of_iterations", new IntDistribution(20, 500, log: true)), ("number_of_leaves", new IntDistribution(2, 128, log: true)),
            ("learning_rate", new FloatDistribution(0.01, 0.5, log: true)), ("minimum_example_count_per_leaf", new IntDistribution(1, 50, log: true)),
        ],
    };

    public static IReadOnlyList<string> Trainers => [.. Ranges.Keys];

    /// <summary>The flat space (trainer choice plus <c>&lt;trainer&gt;.&lt;option&gt;</c> ranges) and which names each trainer uses.</summary>
    public static (Dictionary<string, Distribution> Space, Dictionary<string, IReadOnlyList<string>> TrainerSpaces) Build(PredictionTask task, IReadOnlyList<string> trainers)
    {
        var unknown = trainers.Where(t => !Ranges.ContainsKey(t)).ToList();
        if (unknown.Count > 0 || trainers.Count == 0)
        {
            throw new ArgumentException($"Trainers must be some of {string.Join(", ", Ranges.Keys)} (got {string.Join(", ", trainers)}).");
        }

        var space = new Dictionary<string, Distribution>(StringComparer.Ordinal)
        {
            [TrainerParameter] = new CategoricalDistribution(trainers.Cast<object?>().ToList()),
        };
        var trainerSpaces = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var trainer in trainers)
        {
            var names = new List<string>();
            foreach (var (option, range) in Ranges[trainer])
            {
                // Both ends must be accepted by this trainer for this task; a range that is not is left out, not fatal.
                var ends = range is FloatDistribution f ? new object?[] { f.Low, f.High } : [((IntDistribution)range).Low, ((IntDistribution)range).High];
                if (ends.All(end => TrainerCatalog.Check(trainer, task, new Dictionary<string, object?> { [option] = end }).Count == 0))
                {
                    space[$"{trainer}.{option}"] = range;
                    names.Add($"{trainer}.{option}");
                }
            }

            trainerSpaces[trainer] = names;
        }

        return (space, trainerSpaces);
    }
}
