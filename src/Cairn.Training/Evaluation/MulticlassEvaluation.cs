using Microsoft.ML;

namespace Cairn.Training.Evaluation;

/// <summary>Metrics and confusion matrix of a multiclass classifier; classes named by the label's key values.</summary>
public sealed record MulticlassEvaluation(IReadOnlyDictionary<string, double> Metrics, LabeledConfusionMatrix ConfusionMatrix)
{
    /// <summary>
    /// Evaluates a scored view whose label is a key column (as after MapValueToKey); the predicted label may be the key
    /// or its value (as after MapKeyToValue).
    /// </summary>
    public static MulticlassEvaluation Evaluate(MLContext ml, IDataView scored, ScoredColumns? columns = null)
    {
        columns ??= ScoredColumns.Default;
        scored = PredictedKeys.Restore(ml, scored, columns);
        var labelColumn = ScoredData.Require(scored, columns.Label, "label");
        var actual = ScoredData.ClassIndexes(scored, columns.Label, "label");
        var predicted = ScoredData.ClassIndexes(scored, columns.PredictedLabel, "predicted label");
        var classes = ScoredData.ClassLabels(labelColumn);

        // Rows with a missing label or prediction are left out, as ML.NET's evaluator leaves them out.
        var matrix = LabeledConfusionMatrix.FromPairs(classes, actual.Zip(predicted).Where(p => p.First >= 0 && p.Second >= 0 && p.Second < classes.Length));
        var mlnet = ml.MulticlassClassification.Evaluate(scored, columns.Label, columns.Score, columns.PredictedLabel);

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.ExampleCount] = matrix.Total,
            [MetricNames.AccuracyMicro] = mlnet.MicroAccuracy,
            [MetricNames.AccuracyMacro] = mlnet.MacroAccuracy,
            [MetricNames.LogLoss] = mlnet.LogLoss,
        };
        for (int i = 0; i < classes.Length; i++)
        {
            double precision = mlnet.ConfusionMatrix.PerClassPrecision[i], recall = mlnet.ConfusionMatrix.PerClassRecall[i];
            metrics[MetricNames.PrecisionOfClass(classes[i])] = precision;
            metrics[MetricNames.RecallOfClass(classes[i])] = recall;
            metrics[MetricNames.F1OfClass(classes[i])] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }

        return new MulticlassEvaluation(metrics, matrix);
    }
}
