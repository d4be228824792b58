using Microsoft.ML;

namespace Cairn.Training.Evaluation;

/// <summary>Metrics of a regression model, with the actual and predicted values kept for plots.</summary>
public sealed record RegressionEvaluation(IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<double> Actual, IReadOnlyList<double> Predicted)
{
    public static RegressionEvaluation Evaluate(MLContext ml, IDataView scored, ScoredColumns? columns = null)
    {
        columns ??= ScoredColumns.Default;
        var actual = ScoredData.Numbers(scored, columns.Label, "label");
        var predicted = ScoredData.Numbers(scored, columns.Score, "score");
        var mlnet = ml.Regression.Evaluate(scored, columns.Label, columns.Score);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.ExampleCount] = actual.Length,
            [MetricNames.Rmse] = mlnet.RootMeanSquaredError,
            [MetricNames.Mae] = mlnet.MeanAbsoluteError,
            [MetricNames.Mse] = mlnet.MeanSquaredError,
            [MetricNames.R2] = mlnet.RSquared,
        };
        return new RegressionEvaluation(metrics, actual, predicted);
    }
}
