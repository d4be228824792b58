using System.Text;
using Cairn.Training.Datasets;
using Cairn.Training.Evaluation;
using Cairn.Training.Explain;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Training.Tests.Datasets;

/// <summary>The CSV as a user would train on it: loaded by ML.NET's text loader, not from the records.</summary>
public sealed class CreditModelTrainingTests
{
    private readonly MLContext _ml = new(seed: 1);

    private IDataView Load(CreditApplicantOptions options)
    {
        var path = Path.Combine(Path.GetTempPath(), "cairn-credit", $"{Guid.NewGuid():N}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            CreditCsv.Write(CreditApplicants.Generate(options), writer);
        }

        // Materialised so the temporary file can go at once.
        var loader = _ml.Data.CreateTextLoader(
        [
            new TextLoader.Column("age", DataKind.Single, 0),
            new TextLoader.Column("income", DataKind.Single, 1),
            new TextLoader.Column("debt_to_income", DataKind.Single, 2),
            new TextLoader.Column("credit_history_years", DataKind.Single, 3),
            new TextLoader.Column("num_late_payments", DataKind.Single, 4),
            new TextLoader.Column("employment_years", DataKind.Single, 5),
            new TextLoader.Column("loan_amount", DataKind.Single, 6),
            new TextLoader.Column("home_ownership", DataKind.String, 7),
            new TextLoader.Column("gender", DataKind.String, 8),
            new TextLoader.Column("approved", DataKind.Boolean, 9),
        ], separatorChar: ',', hasHeader: true);
        var data = _ml.Data.Cache(loader.Load(path));
        _ = data.Preview(maxRows: int.MaxValue);
        File.Delete(path);
        return data;
    }

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
