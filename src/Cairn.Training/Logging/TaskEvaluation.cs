using Cairn.Training.Evaluation;
using Cairn.Training.Plots;
using Microsoft.ML;

namespace Cairn.Training.Logging;

/// <summary>The metrics of a task on scored rows, with the plots that go with them (file name, SVG text).</summary>
public sealed record TaskEvaluation(IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<(string File, string Svg)> Plots)
{
    /// <summary>Binary: ROC and precision-recall curves and the confusion matrix; multiclass: the confusion matrix;
    /// regression: predicted against actual and the residual histogram.</summary>
    public static TaskEvaluation Of(MLContext ml, PredictionTask task, IDataView scored, ScoredColumns? columns = null)
    {
        switch (task)
        {
            case PredictionTask.BinaryClassification:
                var binary = BinaryEvaluation.Evaluate(ml, scored, columns);
                return new TaskEvaluation(binary.Metrics,
                [
                    ("roc_curve.svg", SvgPlots.RocCurve(binary.Roc, binary.Metrics.GetValueOrDefault(MetricNames.RocAuc))),
                    ("precision_recall_curve.svg", SvgPlots.PrecisionRecallCurve(binary.PrecisionRecall, binary.Metrics.GetValueOrDefault(MetricNames.PrAuc))),
                    ("confusion_matrix.svg", SvgPlots.ConfusionMatrix(binary.ConfusionMatrix)),
                ]);
            case PredictionTask.MulticlassClassification:
                var multiclass = MulticlassEvaluation.Evaluate(ml, scored, columns);
                return new TaskEvaluation(multiclass.Metrics, [("confusion_matrix.svg", SvgPlots.ConfusionMatrix(multiclass.ConfusionMatrix))]);
            default:
                var regression = RegressionEvaluation.Evaluate(ml, scored, columns);
                return new TaskEvaluation(regression.Metrics,
                [
                    ("predicted_vs_actual.svg", SvgPlots.PredictedVsActual(regression.Actual, regression.Predicted)),
                    ("residuals.svg", SvgPlots.ResidualHistogram(regression.Actual, regression.Predicted)),
                ]);
        }
    }
}
