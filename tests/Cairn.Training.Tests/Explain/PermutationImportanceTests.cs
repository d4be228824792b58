using Cairn.Training.Evaluation;
using Cairn.Training.Explain;
using Cairn.Training.Tests.Support;
using Microsoft.ML;

namespace Cairn.Training.Tests.Explain;

public sealed class PermutationImportanceTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Regression_OverRawColumnsOfEveryType_RanksTheStrongColumnFirst_AndIgnoresNoise()
    {
        var model = Blobs.TrainRegression(_ml, _ml.Data.LoadFromEnumerable(Blobs.Regression(1000, seed: 1)));
        var validation = _ml.Data.LoadFromEnumerable(Blobs.Regression(400, seed: 2));

        var importances = PermutationImportance.Compute(_ml, model, validation, PredictionTask.Regression, new PermutationImportanceOptions { Repeats = 4 }, TestContext.Current.CancellationToken);

        Assert.Equal(["Strong", "Weak"], importances.Take(2).Select(i => i.Column));
        Assert.Equal(5, importances.Count);
        Assert.True(importances[0].MeanDrop > 1, $"Strong dropped R² by only {importances[0].MeanDrop}");
        Assert.True(importances[1].MeanDrop > 0.05, $"Weak dropped R² by only {importances[1].MeanDrop}");
        foreach (var noise in importances.Skip(2))
        {
            Assert.InRange(noise.MeanDrop, -0.01, 0.01);
        }

        Assert.All(importances, i => Assert.Equal(4, i.Drops.Count));
        Assert.All(importances, i => Assert.True(i.StdDrop >= 0));
    }

    [Fact]
    public void Binary_UsesAucDrop_AndTheSignalColumnMatters()
    {
        var model = Blobs.TrainBinary(_ml, _ml.Data.LoadFromEnumerable(Blobs.Binary(800, seed: 1)));
        var validation = _ml.Data.LoadFromEnumerable(Blobs.Binary(500, seed: 2));
        double auc = _ml.BinaryClassification.Evaluate(model.Transform(validation)).AreaUnderRocCurve;

        var importances = PermutationImportance.Compute(_ml, model, validation, PredictionTask.BinaryClassification, null, TestContext.Current.CancellationToken);

        Assert.Equal("Signal", importances[0].Column);

        // Shuffling the only signal leaves a coin toss: AUC falls to about 0.5.
        Assert.Equal(auc - 0.5, importances[0].MeanDrop, 0.06);
        Assert.InRange(importances[1].MeanDrop, -0.02, 0.02);
        Assert.Equal("roc_auc", PermutationImportance.MetricName(PredictionTask.BinaryClassification));
    }

    [Fact]
    public void Multiclass_UsesMacroAccuracy_AndBothCoordinatesMatter()
    {
        var model = Blobs.TrainMulticlass(_ml, _ml.Data.LoadFromEnumerable(Blobs.Multiclass(900, seed: 1)));
        var validation = _ml.Data.LoadFromEnumerable(Blobs.Multiclass(400, seed: 2));

        var importances = PermutationImportance.Compute(_ml, model, validation, PredictionTask.MulticlassClassification, new PermutationImportanceOptions { Repeats = 3 }, TestContext.Current.CancellationToken);

        Assert.Equal(["X", "Y"], importances.Select(i => i.Column).Order());
        Assert.All(importances, i => Assert.True(i.MeanDrop > 0.15, $"{i.Column} dropped macro accuracy by only {i.MeanDrop}"));
    }

    [Fact]
    public void SameSeed_GivesTheSameImportances()
    {
        var model = Blobs.TrainBinary(_ml, _ml.Data.LoadFromEnumerable(Blobs.Binary(300, seed: 1)));
        var validation = _ml.Data.LoadFromEnumerable(Blobs.Binary(200, seed: 2));
        var options = new PermutationImportanceOptions { Repeats = 3, Seed = 7 };

        var first = PermutationImportance.Compute(_ml, model, validation, PredictionTask.BinaryClassification, options, TestContext.Current.CancellationToken);
        var second = PermutationImportance.Compute(_ml, model, validation, PredictionTask.BinaryClassification, options, TestContext.Current.CancellationToken);

        Assert.Equal(first.SelectMany(i => i.Drops), second.SelectMany(i => i.Drops));
    }

    [Fact]
    public void UnknownColumn_IsNamedInTheError()
    {
        var model = Blobs.TrainBinary(_ml, _ml.Data.LoadFromEnumerable(Blobs.Binary(100, seed: 1)));
        var validation = _ml.Data.LoadFromEnumerable(Blobs.Binary(50, seed: 2));

        var error = Assert.Throws<ArgumentException>(() => PermutationImportance.Compute(
            _ml, model, validation, PredictionTask.BinaryClassification, new PermutationImportanceOptions { Columns = ["Signal", "income"] }, TestContext.Current.CancellationToken));

        Assert.Contains("income", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VectorColumns_AreRefusedWithTheirName()
    {
        var model = Blobs.TrainBinary(_ml, _ml.Data.LoadFromEnumerable(Blobs.Binary(100, seed: 1)));
        var featurised = _ml.Transforms.Concatenate("Features", "Signal", "Noise").Fit(_ml.Data.LoadFromEnumerable(Blobs.Binary(50, seed: 2)))
            .Transform(_ml.Data.LoadFromEnumerable(Blobs.Binary(50, seed: 2)));

        var error = Assert.Throws<ArgumentException>(() => PermutationImportance.Compute(_ml, model, featurised, PredictionTask.BinaryClassification, null, TestContext.Current.CancellationToken));

        Assert.Contains("Features", error.Message, StringComparison.Ordinal);
    }
}
