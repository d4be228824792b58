using Cairn.Training.Datasets;
using Cairn.Training.Evaluation;
using Cairn.Training.Explain;
using Cairn.Training.Tests.Support;
using Microsoft.ML;

namespace Cairn.Training.Tests.Datasets;

/// <summary>The CSV as a user would train on it: loaded by ML.NET's text loader, not from the records.</summary>
public sealed class CreditModelTrainingTests
{
    private readonly MLContext _ml = new(seed: 1);

    private IDataView Load(CreditApplicantOptions options) => CreditData.Load(_ml, options);

    private ITransformer Train(IDataView train) =>
        _ml.Transforms.Categorical.OneHotEncoding([new InputOutputColumnPair("home", "home_ownership"), new InputOutputColumnPair("sex", "gender")])
            .Append(_ml.Transforms.Concatenate("Features", "age", "income", "debt_to_income", "credit_history_years", "num_late_payments", "employment_years", "loan_amount", "home", "sex"))
            .Append(_ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(_ml.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: "approved"))
            .Fit(train);

    [Fact]
    public void LogisticRegression_On5000Rows_ReachesAucAbove08_AndRanksIncomeAboveGender()
    {
        var train = Load(new CreditApplicantOptions { Rows = 5000, Seed = 1 });
        var holdout = Load(new CreditApplicantOptions { Rows = 2000, Seed = 2 });
        var model = Train(train);

        var evaluation = BinaryEvaluation.Evaluate(_ml, model.Transform(holdout), new ScoredColumns { Label = "approved" });
        var importances = PermutationImportance.Compute(
            _ml, model, holdout, PredictionTask.BinaryClassification, new PermutationImportanceOptions { LabelColumn = "approved", Repeats = 2 },
            TestContext.Current.CancellationToken);

        Assert.True(evaluation.Metrics["roc_auc"] > 0.8, $"AUC {evaluation.Metrics["roc_auc"]:0.000}");
        var ranked = importances.Select(i => i.Column).ToList();
        Assert.True(ranked.IndexOf("income") < ranked.IndexOf("gender"), string.Join(", ", ranked));
        Assert.InRange(importances.Single(i => i.Column == "gender").MeanDrop, -0.01, 0.01);
    }
}
