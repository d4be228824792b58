using Microsoft.ML;

namespace Cairn.Training.Evaluation;

/// <summary>Metrics, curves and confusion matrix (labels "false", "true") of a binary classifier on one data set.</summary>
public sealed record BinaryEvaluation(
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<RocPoint> Roc,
    IReadOnlyList<PrecisionRecallPoint> PrecisionRecall,
    LabeledConfusionMatrix ConfusionMatrix)
{
    public static readonly IReadOnlyList<string> ClassLabels = ["false", "true"];

    /// <summary>
    /// Evaluates a scored view with a Boolean label. Curves and <c>log_loss</c> use the Probability column when there
    /// is one (calibrated trainers), otherwise the raw Score, and then <c>log_loss</c> is left out.
    /// </summary>
    public static BinaryEvaluation Evaluate(MLContext ml, IDataView scored, ScoredColumns? columns = null)
    {
        columns ??= ScoredColumns.Default;
        var labels = ScoredData.Booleans(scored, columns.Label, "label");
        var predicted = ScoredData.Booleans(scored, columns.PredictedLabel, "predicted label");
        bool calibrated = scored.Schema.GetColumnOrNull(columns.Probability) is not null;
        var ranking = ScoredData.Numbers(scored, calibrated ? columns.Probability : columns.Score, calibrated ? "probability" : "score");

        var roc = Curves.Roc(ranking, labels);
        var precisionRecall = Curves.PrecisionRecall(ranking, labels);
        var matrix = LabeledConfusionMatrix.FromPairs(ClassLabels, labels.Zip(predicted, (a, p) => (a ? 1 : 0, p ? 1 : 0)));

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.ExampleCount] = labels.Length,
            [MetricNames.TrueNegatives] = matrix.Counts[0][0],
            [MetricNames.FalsePositives] = matrix.Counts[0][1],
            [MetricNames.FalseNegatives] = matrix.Counts[1][0],
            [MetricNames.TruePositives] = matrix.Counts[1][1],
            [MetricNames.PrAuc] = Curves.Area(precisionRecall),
            [MetricNames.PrecisionRecallAuc] = Curves.Area(precisionRecall),
        };

        var mlnet = calibrated
            ? ml.BinaryClassification.Evaluate(scored, columns.Label, columns.Score, columns.Probability, columns.PredictedLabel)
            : ml.BinaryClassification.EvaluateNonCalibrated(scored, columns.Label, columns.Score, columns.PredictedLabel);
        metrics[MetricNames.RocAuc] = mlnet.AreaUnderRocCurve;
        metrics[MetricNames.Accuracy] = mlnet.Accuracy;
        metrics[MetricNames.F1] = mlnet.F1Score;
        metrics[MetricNames.Precision] = mlnet.PositivePrecision;
        metrics[MetricNames.Recall] = mlnet.PositiveRecall;
        if (calibrated)
        {
            // ML.NET reports binary log-loss in bits; MLflow (scikit-learn) in nats, so compute it here.
            metrics[MetricNames.LogLoss] = LogLoss.Binary(ranking, labels);
        }

        return new BinaryEvaluation(metrics, roc, precisionRecall, matrix);
    }
}
