using System.Text.Json;
using Cairn.Training.Evaluation;
using Cairn.Training.Explain;
using Cairn.Training.Plots;

namespace Cairn.Training.Logging;

/// <summary>Permutation importances as run artifacts: <c>feature_importance.json</c> (most important first) and a bar chart.</summary>
public static class FeatureImportanceReport
{
    public const string JsonFile = "feature_importance.json";
    public const string PlotFile = "feature_importance.svg";

    public static string Json(IReadOnlyList<FeatureImportance> importances, PredictionTask task, int repeats) =>
        JsonSerializer.Serialize(new
        {
            metric = PermutationImportance.MetricName(task),
            repeats,
            importances = importances.Select(i => new { column = i.Column, mean_drop = i.MeanDrop, std_drop = i.StdDrop }),
        }, new JsonSerializerOptions { WriteIndented = true });

    public static string Svg(IReadOnlyList<FeatureImportance> importances, PredictionTask task) =>
        SvgPlots.FeatureImportance(importances, PermutationImportance.MetricName(task));
}
