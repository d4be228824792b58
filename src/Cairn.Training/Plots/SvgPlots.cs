using Cairn.Training.Evaluation;
using Cairn.Training.Explain;

namespace Cairn.Training.Plots;

/// <summary>Evaluation plots as standalone SVG documents; the same input always gives the same text.</summary>
public static class SvgPlots
{
    public static string RocCurve(IReadOnlyList<RocPoint> roc, double auc, string title = "ROC curve") =>
        CurvePlots.Roc(roc, auc, title);

    public static string PrecisionRecallCurve(IReadOnlyList<PrecisionRecallPoint> curve, double area, string title = "Precision-recall curve") =>
        CurvePlots.PrecisionRecall(curve, area, title);

    public static string ConfusionMatrix(LabeledConfusionMatrix matrix, string title = "Confusion matrix") =>
        ConfusionMatrixPlot.Render(matrix, title);

    public static string FeatureImportance(IReadOnlyList<FeatureImportance> importances, string metric, string title = "Permutation feature importance") =>
        FeatureImportancePlot.Render(importances, metric, title);

    public static string PredictedVsActual(IReadOnlyList<double> actual, IReadOnlyList<double> predicted, string title = "Predicted vs actual") =>
        RegressionPlots.PredictedVsActual(actual, predicted, title);

    public static string ResidualHistogram(IReadOnlyList<double> actual, IReadOnlyList<double> predicted, int bins = 30, string title = "Residuals") =>
        RegressionPlots.ResidualHistogram(actual, predicted, bins, title);
}
