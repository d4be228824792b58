using Cairn.Training.Evaluation;

namespace Cairn.Training.Jobs;

/// <summary>The metric names a spec may ask for, per task (per-class metrics of multiclass tasks are accepted by prefix).</summary>
public static class TaskMetrics
{
    public static IReadOnlyList<string> Known(PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification =>
        [
            MetricNames.RocAuc, MetricNames.PrAuc, MetricNames.PrecisionRecallAuc, MetricNames.Accuracy, MetricNames.F1, MetricNames.Precision,
            MetricNames.Recall, MetricNames.LogLoss, MetricNames.TruePositives, MetricNames.FalsePositives, MetricNames.TrueNegatives,
            MetricNames.FalseNegatives, MetricNames.ExampleCount,
        ],
        PredictionTask.MulticlassClassification => [MetricNames.AccuracyMicro, MetricNames.AccuracyMacro, MetricNames.LogLoss, MetricNames.ExampleCount],
        _ => [MetricNames.Rmse, MetricNames.Mae, MetricNames.Mse, MetricNames.R2, MetricNames.ExampleCount],
    };
}
