using System.Text.Json;
using Cairn.Client;
using Cairn.Core.Tracking;
using Cairn.Models.MLNet;
using Cairn.Models.Sdk;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Training.Autolog;
using Cairn.Training.Datasets;
using Cairn.Training.Evaluation;
using Cairn.Training.Tests.Support;
using Microsoft.ML;

namespace Cairn.Training.Tests.Autolog;

/// <summary>Automatic logging of ML.NET training against a real server: what a run receives when <c>Fit</c> is wrapped.</summary>
public sealed class MlNetAutologTests(CairnServer server) : IClassFixture<CairnServer>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static IEstimator<ITransformer> Features(MLContext ml) =>
        ml.Transforms.Categorical.OneHotEncoding([new InputOutputColumnPair("home", "home_ownership"), new InputOutputColumnPair("sex", "gender")])
            .Append(ml.Transforms.Concatenate("Features", [.. CreditData.NumericColumns, "home", "sex"]));

    private static Dictionary<string, string> Params(Contracts.Mlflow.RunDto run) => run.Data.Params!.ToDictionary(p => p.Key!, p => p.Value!);

    [Fact]
    public async Task Binary_LogsTrainerOptionsDatasetsMetricsPlotsImportanceAndAModelThatPredictsTheSame()
    {
        var ml = new MLContext(seed: 1);
        var train = CreditData.Load(ml, new CreditApplicantOptions { Rows = 3000, Seed = 21 });
        var validation = CreditData.Load(ml, new CreditApplicantOptions { Rows = 1000, Seed = 22 });
        var pipeline = Features(ml).Append(ml.BinaryClassification.Trainers.FastTree(labelColumnName: "approved", numberOfTrees: 37, numberOfLeaves: 9));
        using var client = CairnClient.Create(server.BaseAddress.ToString());

        AutologResult result;
        string runId;
        await using (var run = await client.StartRunAsync("autolog-binary", cancellationToken: Token))
        {
            runId = run.RunId;
            result = await run.FitAndLogAsync(ml, pipeline, train, new MlNetAutologOptions
            {
                Task = PredictionTask.BinaryClassification,
                ValidationData = validation,
                DatasetName = "credit",
                RegisteredModelName = "autolog-credit-" + Guid.NewGuid().ToString("N")[..6],
            }, Token);
        }

        var logged = await client.GetRunAsync(runId, Token);
        Assert.Equal(RunStatus.Finished, logged.Info.Status);
        var parameters = Params(logged);
        Assert.Equal("FastTreeBinaryTrainer", parameters["trainer"]);
        Assert.Equal("37", parameters["number_of_trees"]);
        Assert.Equal("9", parameters["number_of_leaves"]);
        Assert.DoesNotContain("label_column_name", parameters.Keys);

        var metrics = logged.Data.Metrics!.ToDictionary(m => m.Key!, m => m.Value!.Value);
        foreach (var key in new[] { "roc_auc", "accuracy_score", "f1_score", "precision_score", "recall_score", "log_loss" })
        {
            Assert.Equal(result.Metrics[key], metrics[key], 12);
        }

        Assert.True(metrics["roc_auc"] > 0.8, $"AUC {metrics["roc_auc"]}");
        Assert.Equal(1000, metrics["example_count"]);

        var inputs = logged.Inputs.DatasetInputs!;
        Assert.Equal(["training", "validation"], inputs.Select(i => i.Tags!.Single(t => t.Key == "mlflow.data.context").Value).Order());
        var trainingSet = inputs.Single(i => i.Dataset!.Name == "credit").Dataset!;
        Assert.Contains("\"num_rows\": 3000", trainingSet.Profile, StringComparison.Ordinal);
        Assert.Contains("debt_to_income", trainingSet.Schema, StringComparison.Ordinal);
        Assert.Equal(8, trainingSet.Digest!.Length);

        var plots = (await client.ListArtifactsAsync(logged.Info.ArtifactUri, "plots", Token)).Select(f => f.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "plots/roc_curve.svg", "plots/precision_recall_curve.svg", "plots/confusion_matrix.svg", "plots/feature_importance.svg" }, plots);
        await using (var stream = await client.OpenArtifactAsync(logged.Info.ArtifactUri, "feature_importance.json", Token))
        {
            var importance = (await JsonDocument.ParseAsync(stream, cancellationToken: Token)).RootElement.GetProperty("importances")
                .EnumerateArray().ToDictionary(i => i.GetProperty("column").GetString()!, i => i.GetProperty("mean_drop").GetDouble());
            Assert.DoesNotContain("approved", importance.Keys);
            Assert.True(importance["income"] > importance["gender"] + 0.03, $"income {importance["income"]}, gender {importance["gender"]}");
        }

        // The logged model, loaded back, predicts exactly what the fitted model predicts.
        using var loaded = await client.LoadModelAsync(result.LoggedModel!.ModelUri, Token);
        Assert.DoesNotContain(loaded.Signature.Inputs.Columns, c => c.Name == "approved");
        var rows = DataViewReader.Read(ml.Data.TakeRows(validation, 200));
        var expected = DataViewReader.Read(result.Model.Transform(ml.Data.TakeRows(validation, 200)))["Probability"];
        var actual = loaded.Predict(new Models.Data.Frame(rows.Columns.Where(c => c.Name != "approved").ToList()))["Probability"];
        Assert.Equal(expected.Values.Cast<float>(), actual.Values.Cast<float>());
    }

    [Fact]
    public async Task Multiclass_OneVersusAll_IsNamedAfterTheTrainerItWraps_AndWithoutValidationDataMetricsArePrefixed()
    {
        var ml = new MLContext(seed: 2);
        var data = CreditData.Load(ml, new CreditApplicantOptions { Rows = 1500, Seed = 23 });
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "home_ownership")
            .Append(ml.Transforms.Concatenate("Features", CreditData.NumericColumns))
            .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 12)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        using var client = CairnClient.Create(server.BaseAddress.ToString());

        string runId;
        await using (var run = await client.StartRunAsync("autolog-multiclass", cancellationToken: Token))
        {
            runId = run.RunId;
            await run.FitAndLogAsync(ml, pipeline, data, new MlNetAutologOptions
            {
                Task = PredictionTask.MulticlassClassification,
                LabelColumn = "home_ownership",
                FeatureImportanceRepeats = 0,
                LogModel = false,
            }, Token);
        }

        var logged = await client.GetRunAsync(runId, Token);
        var parameters = Params(logged);
        Assert.Equal("OneVersusAll(FastTreeBinaryTrainer)", parameters["trainer"]);
        Assert.Equal("12", parameters["number_of_trees"]);
        var keys = logged.Data.Metrics!.Select(m => m.Key!).ToHashSet();
        Assert.Contains("training_accuracy_macro", keys);
        Assert.Contains("training_accuracy_micro", keys);
        Assert.Contains("training_log_loss", keys);
        Assert.DoesNotContain("accuracy_macro", keys);
        Assert.Empty(await client.ListArtifactsAsync(logged.Info.ArtifactUri, FeatureImportanceFile, Token));
    }

    private const string FeatureImportanceFile = "feature_importance.json";

    [Fact]
    public async Task Regression_LogsErrorMetrics()
    {
        var ml = new MLContext(seed: 3);
        var data = CreditData.Load(ml, new CreditApplicantOptions { Rows = 2000, Seed = 24 });
        var split = ml.Data.TrainTestSplit(data, 0.25, seed: 3);
        var pipeline = ml.Transforms.Concatenate("Features", "age", "income", "loan_amount")
            .Append(ml.Regression.Trainers.LightGbm(labelColumnName: "credit_history_years", numberOfIterations: 40));
        using var client = CairnClient.Create(server.BaseAddress.ToString());

        AutologResult result;
        await using (var run = await client.StartRunAsync("autolog-regression", cancellationToken: Token))
        {
            result = await run.FitAndLogAsync(ml, pipeline, split.TrainSet,
                new MlNetAutologOptions { Task = PredictionTask.Regression, ValidationData = split.TestSet, FeatureImportanceRepeats = 2 }, Token);
        }

        // Credit history is (age − 18) × Uniform(0.2, 1.0): age explains about 60% of its variance.
        Assert.True(result.Metrics["r2_score"] > 0.4, $"R² {result.Metrics["r2_score"]}");
        Assert.Equal(result.Metrics["rmse"] * result.Metrics["rmse"], result.Metrics["mse"], 3);
        Assert.True(result.Metrics.ContainsKey("mae"));
        Assert.Equal("LightGbmRegressionTrainer", Params(await client.GetRunAsync(result.LoggedModel!.Metadata.RunId!, Token))["trainer"]);
    }

    [Fact]
    public async Task AFailingFit_EndsTheRunFailed_AndRethrows()
    {
        var ml = new MLContext(seed: 4);
        var data = CreditData.Load(ml, new CreditApplicantOptions { Rows = 200, Seed = 25 });
        var pipeline = ml.Transforms.Concatenate("Features", CreditData.NumericColumns)
            .Append(ml.BinaryClassification.Trainers.FastTree(labelColumnName: "no_such_column"));
        using var client = CairnClient.Create(server.BaseAddress.ToString());

        string runId;
        await using (var run = await client.StartRunAsync("autolog-failure", cancellationToken: Token))
        {
            runId = run.RunId;
            await Assert.ThrowsAnyAsync<ArgumentException>(() =>
                run.FitAndLogAsync(ml, pipeline, data, new MlNetAutologOptions { Task = PredictionTask.BinaryClassification }, Token));
        }

        Assert.Equal(RunStatus.Failed, (await client.GetRunAsync(runId, Token)).Info.Status);
    }
}
