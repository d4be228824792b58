using Cairn.Training.Evaluation;
using Cairn.Training.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Training.Tests.Evaluation;

public sealed class MulticlassEvaluationTests
{
    private readonly MLContext _ml = new(seed: 1);

    private (MulticlassEvaluation Ours, MulticlassClassificationMetrics MlNet, IDataView Scored) Evaluate()
    {
        var model = Blobs.TrainMulticlass(_ml, _ml.Data.LoadFromEnumerable(Blobs.Multiclass(900, seed: 1)));
        var scored = model.Transform(_ml.Data.LoadFromEnumerable(Blobs.Multiclass(600, seed: 2)));
        return (MulticlassEvaluation.Evaluate(_ml, scored), _ml.MulticlassClassification.Evaluate(scored), scored);
    }

    [Fact]
    public void ConfusionMatrix_HasTheClassNamesAndMlNetsCounts()
    {
        var (ours, mlnet, _) = Evaluate();

        Assert.Equal(["north & co", "south", "west"], ours.ConfusionMatrix.Labels);
        for (int row = 0; row < 3; row++)
        {
            for (int column = 0; column < 3; column++)
            {
                Assert.Equal(mlnet.ConfusionMatrix.Counts[row][column], ours.ConfusionMatrix.Counts[row][column]);
            }
        }
    }

    [Fact]
    public void Metrics_AgreeWithTheConfusionMatrix()
    {
        var (ours, mlnet, _) = Evaluate();
        var matrix = ours.ConfusionMatrix;

        Assert.Equal((double)matrix.Correct / matrix.Total, ours.Metrics["accuracy_micro"], 12);
        Assert.Equal(Enumerable.Range(0, 3).Average(matrix.Recall), ours.Metrics["accuracy_macro"], 12);
        Assert.Equal(mlnet.MacroAccuracy, ours.Metrics["accuracy_macro"], 12);
        Assert.Equal(matrix.Precision(0), ours.Metrics["precision_class_north___co"], 12);
        Assert.Equal(matrix.Recall(1), ours.Metrics["recall_class_south"], 12);
        Assert.Equal(matrix.F1(2), ours.Metrics["f1_score_class_west"], 12);
        Assert.InRange(ours.Metrics["accuracy_micro"], 0.75, 1);
    }

    [Fact]
    public void LogLoss_IsTheMeanNegativeLogProbabilityOfTheTrueClass()
    {
        var (ours, _, scored) = Evaluate();
        var labels = scored.GetColumn<uint>("Label").ToArray();
        var scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();

        double expected = labels.Select((k, i) => -Math.Log(Math.Max(1e-15, scores[i][k - 1]))).Average();

        Assert.Equal(expected, ours.Metrics["log_loss"], 5);
    }

    [Fact]
    public void Evaluate_WithATextLabel_AsksForAKeyColumn()
    {
        var data = _ml.Data.LoadFromEnumerable(Blobs.Multiclass(10, seed: 3));
        var error = Assert.Throws<ArgumentException>(() => MulticlassEvaluation.Evaluate(_ml, data));
        Assert.Contains("MapValueToKey", error.Message, StringComparison.Ordinal);
    }
}
