using Cairn.Training.Evaluation;
using Cairn.Training.Tests.Support;
using Microsoft.ML;

namespace Cairn.Training.Tests.Evaluation;

public sealed class RegressionEvaluationTests
{
    [Fact]
    public void Metrics_MatchTheirDefinitionsOverTheKeptValues()
    {
        var ml = new MLContext(seed: 1);
        var model = Blobs.TrainRegression(ml, ml.Data.LoadFromEnumerable(Blobs.Regression(600, seed: 1)));
        var ours = RegressionEvaluation.Evaluate(ml, model.Transform(ml.Data.LoadFromEnumerable(Blobs.Regression(400, seed: 2))));

        var errors = ours.Actual.Zip(ours.Predicted, (a, p) => a - p).ToArray();
        double mse = errors.Average(e => e * e);
        double mean = ours.Actual.Average();
        double r2 = 1 - errors.Sum(e => e * e) / ours.Actual.Sum(a => (a - mean) * (a - mean));

        Assert.Equal(400, ours.Actual.Count);
        Assert.Equal(mse, ours.Metrics["mse"], 6);
        Assert.Equal(Math.Sqrt(mse), ours.Metrics["rmse"], 6);
        Assert.Equal(errors.Average(Math.Abs), ours.Metrics["mae"], 6);
        Assert.Equal(r2, ours.Metrics["r2_score"], 6);
        Assert.InRange(ours.Metrics["r2_score"], 0.9, 1);
    }
}
