using Cairn.Training.Evaluation;
using Cairn.Training.Tests.Support;
using Microsoft.ML;

namespace Cairn.Training.Tests.Evaluation;

public sealed class BinaryEvaluationTests
{
    private readonly MLContext _ml = new(seed: 1);

    private (BinaryEvaluation Ours, Microsoft.ML.Data.CalibratedBinaryClassificationMetrics MlNet, IDataView Scored) Evaluate()
    {
        var model = Blobs.TrainBinary(_ml, _ml.Data.LoadFromEnumerable(Blobs.Binary(800, seed: 1)));
        var scored = model.Transform(_ml.Data.LoadFromEnumerable(Blobs.Binary(600, seed: 2)));
        return (BinaryEvaluation.Evaluate(_ml, scored), _ml.BinaryClassification.Evaluate(scored), scored);
    }

    [Fact]
    public void Evaluate_NamesMetricsAsMlflowDoes()
    {
        var (ours, _, _) = Evaluate();
        foreach (var name in new[] { "roc_auc", "pr_auc", "accuracy_score", "f1_score", "precision_score", "recall_score", "log_loss", "example_count" })
        {
            Assert.True(ours.Metrics.ContainsKey(name), $"missing {name}");
        }

        Assert.Equal(600, ours.Metrics["example_count"]);
    }

    [Fact]
    public void RocCurveArea_MatchesMlNetsAuc()
    {
        var (ours, mlnet, _) = Evaluate();
        Assert.InRange(mlnet.AreaUnderRocCurve, 0.7, 0.95);
        Assert.Equal(mlnet.AreaUnderRocCurve, Curves.Area(ours.Roc), 9);
        Assert.Equal(mlnet.AreaUnderRocCurve, ours.Metrics["roc_auc"], 12);
        Assert.Equal((0, 0), (ours.Roc[0].FalsePositiveRate, ours.Roc[0].TruePositiveRate));
        Assert.Equal((1, 1), (ours.Roc[^1].FalsePositiveRate, ours.Roc[^1].TruePositiveRate));
    }

    [Fact]
    public void PrAuc_IsCloseToMlNetsAreaUnderPrecisionRecall()
    {
        // ML.NET estimates the area its own way rather than by trapezoids over every threshold, so allow a small gap.
        var (ours, mlnet, _) = Evaluate();
        Assert.Equal(mlnet.AreaUnderPrecisionRecallCurve, ours.Metrics["pr_auc"], 0.03);
        Assert.Equal(ours.Metrics["pr_auc"], ours.Metrics["precision_recall_auc"]);
    }

    [Fact]
    public void ConfusionMatrix_AgreesWithMlNetsAccuracyPrecisionAndRecall()
    {
        var (ours, mlnet, _) = Evaluate();
        var matrix = ours.ConfusionMatrix;

        Assert.Equal(["false", "true"], matrix.Labels);
        Assert.Equal(600, matrix.Total);
        Assert.Equal(mlnet.Accuracy, (double)matrix.Correct / matrix.Total, 12);
        Assert.Equal(mlnet.PositivePrecision, matrix.Precision(1), 12);
        Assert.Equal(mlnet.PositiveRecall, matrix.Recall(1), 12);
        Assert.Equal(mlnet.F1Score, matrix.F1(1), 12);
        Assert.Equal(mlnet.ConfusionMatrix.Counts[0][0], matrix.Counts[1][1]);
        Assert.Equal(matrix.Counts[1][1], ours.Metrics["true_positives"]);
    }

    [Fact]
    public void LogLoss_IsMlNetsBitsConvertedToNats()
    {
        var (ours, mlnet, _) = Evaluate();
        Assert.Equal(mlnet.LogLoss * Math.Log(2), ours.Metrics["log_loss"], 9);
    }

    [Fact]
    public void Evaluate_WithoutAProbabilityColumn_UsesTheScoreAndLeavesOutLogLoss()
    {
        var train = _ml.Data.LoadFromEnumerable(Blobs.Binary(400, seed: 3));
        var model = _ml.Transforms.Concatenate("Features", "Signal", "Noise")
            .Append(_ml.BinaryClassification.Trainers.LinearSvm(numberOfIterations: 5)).Fit(train);
        var scored = model.Transform(_ml.Data.LoadFromEnumerable(Blobs.Binary(300, seed: 4)));

        var ours = BinaryEvaluation.Evaluate(_ml, scored);

        Assert.False(ours.Metrics.ContainsKey("log_loss"));
        Assert.Equal(_ml.BinaryClassification.EvaluateNonCalibrated(scored).AreaUnderRocCurve, Curves.Area(ours.Roc), 9);
    }

    [Fact]
    public void Evaluate_WithAMissingLabelColumn_NamesIt()
    {
        var (_, _, scored) = Evaluate();
        var error = Assert.Throws<ArgumentException>(() => BinaryEvaluation.Evaluate(_ml, scored, new ScoredColumns { Label = "approved" }));
        Assert.Contains("'approved'", error.Message, StringComparison.Ordinal);
    }
}
