using Cairn.Training.Evaluation;
using Microsoft.ML;

namespace Cairn.Training.Explain;

/// <summary>What to permute and how often; the label is never permuted.</summary>
public sealed record PermutationImportanceOptions
{
    /// <summary>The label column as the scored output names it (the metric is computed against it).</summary>
    public string LabelColumn { get; init; } = "Label";

    /// <summary>Raw input columns to shuffle; null means every input column except <see cref="LabelColumn"/> and <see cref="ExcludedColumns"/>.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Input columns never shuffled, e.g. the raw label when the pipeline copies it to another name.</summary>
    public IReadOnlyList<string> ExcludedColumns { get; init; } = [];

    public int Repeats { get; init; } = 5;

    public int Seed { get; init; } = 42;
}

/// <summary>
/// Permutation feature importance over raw input columns: shuffle one column at a time, re-score with the trained
/// model and measure how far the metric falls (AUC for binary, macro accuracy for multiclass, R² for regression).
/// </summary>
public static class PermutationImportance
{
    public static string MetricName(PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification => MetricNames.RocAuc,
        PredictionTask.MulticlassClassification => MetricNames.AccuracyMacro,
        PredictionTask.Regression => MetricNames.R2,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, null),
    };

    /// <summary>Importances, most important first. The input is materialised in memory: pass the (small) validation split.</summary>
    public static IReadOnlyList<FeatureImportance> Compute(
        MLContext ml, ITransformer model, IDataView data, PredictionTask task, PermutationImportanceOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PermutationImportanceOptions();
        if (options.Repeats < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Repeats, "Repeats must be at least 1.");
        }

        var table = InMemoryTable.Load(data);
        if (table.RowCount < 2)
        {
            throw new ArgumentException("Permutation importance needs at least two rows.");
        }

        var columns = ColumnsToPermute(table, options);
        double baseline = Score(ml, model, table, task, options.LabelColumn);
        var results = new List<FeatureImportance>(columns.Count);
        foreach (var (name, index) in columns)
        {
            var drops = new double[options.Repeats];
            for (int repeat = 0; repeat < options.Repeats; repeat++)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Seeded per (column, repeat) so one column's result does not depend on which others are permuted.
                var random = new Random(unchecked(options.Seed * 1_000_003 + index * 7_919 + repeat));
                drops[repeat] = baseline - Score(ml, model, table.WithPermutedColumn(index, Permutation(table.RowCount, random)), task, options.LabelColumn);
            }

            double mean = drops.Average();
            double std = drops.Length > 1 ? Math.Sqrt(drops.Sum(d => (d - mean) * (d - mean)) / (drops.Length - 1)) : 0;
            results.Add(new FeatureImportance(name, mean, std, drops));
        }

        return results.OrderByDescending(r => r.MeanDrop).ThenBy(r => r.Column, StringComparer.Ordinal).ToList();
    }

    private static List<(string Name, int Index)> ColumnsToPermute(InMemoryTable table, PermutationImportanceOptions options)
    {
        var names = options.Columns ?? table.Schema.Select(c => c.Name)
            .Where(n => n != options.LabelColumn && !options.ExcludedColumns.Contains(n)).ToList();
        var missing = names.Where(n => table.Schema.GetColumnOrNull(n) is null).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"Columns not in the data: {string.Join(", ", missing)}.");
        }

        if (names.Count == 0)
        {
            throw new ArgumentException("There are no columns to permute.");
        }

        return names.Select(n => (n, table.Schema[n].Index)).ToList();
    }

    private static double Score(MLContext ml, ITransformer model, IDataView data, PredictionTask task, string label)
    {
        var scored = model.Transform(data);
        return task switch
        {
            // AUC needs only the ranking, so calibrated and uncalibrated models are scored the same way.
            PredictionTask.BinaryClassification => ml.BinaryClassification.EvaluateNonCalibrated(scored, label).AreaUnderRocCurve,
            PredictionTask.MulticlassClassification => ml.MulticlassClassification.Evaluate(scored, label).MacroAccuracy,
            PredictionTask.Regression => ml.Regression.Evaluate(scored, label).RSquared,
            _ => throw new ArgumentOutOfRangeException(nameof(task), task, null),
        };
    }

    private static int[] Permutation(int count, Random random)
    {
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order;
    }
}
