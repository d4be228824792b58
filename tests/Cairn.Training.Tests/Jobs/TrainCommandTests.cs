using System.Globalization;
using System.Text.Json;
using Cairn.Client;
using Cairn.Core.Tracking;
using Cairn.Models.Data;
using Cairn.Models.Sdk;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Training.Datasets;
using Cairn.Training.Jobs;
using Cairn.Training.Tests.Support;

namespace Cairn.Training.Tests.Jobs;

/// <summary>
/// <c>cairn train</c> run as a process against a real server, on the example specs in <c>examples/training</c> (real
/// scikit-learn data sets from Debian's python3-sklearn, and the synthetic credit data with known structure).
/// </summary>
public sealed class TrainCommandTests(CairnServer server) : IClassFixture<CairnServer>
{
    private static string Example(string name) => Path.Combine(CairnProcess.RepositoryRoot, "examples", "training", name);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(JsonElement Result, string Stderr)> TrainAsync(string spec, string experiment, string registerAs)
    {
        var (code, stdout, stderr) = await CairnProcess.RunAsync("train", "-f", spec, "--tracking-uri", server.BaseAddress.ToString(),
            "--experiment", experiment, "--register-as", registerAs, "--json");
        Assert.True(code == 0, $"cairn train exited {code}: {stderr}");
        return (JsonDocument.Parse(stdout).RootElement, stderr);
    }

    private static double Metric(JsonElement result, string key) => result.GetProperty("metrics").GetProperty(key).GetDouble();

    /// <summary>The data the spec names, typed as the job types it, without the label: what a caller would send.</summary>
    private static async Task<(Frame Inputs, Column Label)> DataOf(string specPath)
    {
        var (_, table) = await TrainingJob.LoadTableAsync(TrainingSpecReader.ReadFile(specPath), TestContext.Current.CancellationToken);
        return (new Frame(table.Frame.Columns.Where(c => c.Name != table.Label).ToList()), table.Frame[table.Label]);
    }

    private static async Task<JsonElement> ReadJsonArtifact(CairnClient client, string artifactUri, string path)
    {
        await using var stream = await client.OpenArtifactAsync(artifactUri, path, TestContext.Current.CancellationToken);
        return (await JsonDocument.ParseAsync(stream, cancellationToken: TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    [Fact]
    public async Task BreastCancer_Binary_LogsEverythingAndRegistersAModelThatPredicts()
    {
        var spec = Example("breast-cancer.yaml");
        var name = Unique("breast-cancer");
        var (result, stderr) = await TrainAsync(spec, Unique("bc"), name);

        Assert.Contains("Training", stderr, StringComparison.Ordinal);
        Assert.True(Metric(result, "roc_auc") > 0.97, $"AUC {Metric(result, "roc_auc")}");
        foreach (var key in new[] { "accuracy_score", "f1_score", "precision_score", "recall_score", "log_loss", "pr_auc" })
        {
            Assert.True(result.GetProperty("metrics").TryGetProperty(key, out _), key);
        }

        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var run = await client.GetRunAsync(result.GetProperty("run_id").GetString()!, TestContext.Current.CancellationToken);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        var parameters = run.Data.Params!.ToDictionary(p => p.Key!, p => p.Value);
        Assert.Equal("LightGbmBinaryTrainer", parameters["trainer"]);
        Assert.Equal("100", parameters["number_of_iterations"]);
        Assert.Equal("0.1", parameters["learning_rate"]);
        Assert.Equal("30", parameters["feature_count"]);
        Assert.Equal("7", parameters["split_seed"]);

        var dataset = Assert.Single(run.Inputs.DatasetInputs!).Dataset!;
        Assert.Equal("breast_cancer", dataset.Name);
        Assert.Equal(8, dataset.Digest!.Length);
        Assert.Contains("\"num_rows\": 569", dataset.Profile, StringComparison.Ordinal);
        Assert.Contains("mean_radius", dataset.Schema, StringComparison.Ordinal);

        var plots = (await client.ListArtifactsAsync(run.Info.ArtifactUri, "plots", TestContext.Current.CancellationToken)).Select(f => f.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "plots/roc_curve.svg", "plots/precision_recall_curve.svg", "plots/confusion_matrix.svg", "plots/feature_importance.svg" }, plots);
        var importance = await ReadJsonArtifact(client, run.Info.ArtifactUri, "feature_importance.json");
        Assert.Equal("roc_auc", importance.GetProperty("metric").GetString());
        var columns = importance.GetProperty("importances").EnumerateArray().Select(i => i.GetProperty("column").GetString()).ToList();
        Assert.Equal(30, columns.Count);
        Assert.DoesNotContain("benign", columns);

        // The model is logged the MLflow 3 way: a READY logged model the run produced, registered from models:/m-….
        var modelId = Assert.Single(run.Outputs!.ModelOutputs!).ModelId;
        Assert.Equal(LoggedModelStatus.Ready, (await client.GetLoggedModelAsync(modelId, TestContext.Current.CancellationToken)).Info.Status);
        Assert.Equal($"models:/{modelId}", (await client.GetModelVersionAsync(name, "1", TestContext.Current.CancellationToken)).Source);

        // The registered version loads by name and predicts the labels it was trained on.
        Assert.Equal("1", result.GetProperty("registered_version").GetString());
        using var model = await client.LoadModelAsync($"models:/{name}/1", TestContext.Current.CancellationToken);
        Assert.Equal(30, model.Signature.Inputs.Columns.Count);
        var (inputs, label) = await DataOf(spec);
        var predicted = model.Predict(inputs)["PredictedLabel"];
        var correct = Enumerable.Range(0, inputs.RowCount).Count(i => Equals(predicted[i], label[i]));
        Assert.True(correct > 0.97 * inputs.RowCount, $"{correct} of {inputs.RowCount} correct");
    }

    [Fact]
    public async Task Wine_MulticlassWithFolds_LogsEachFoldAndTheirMean()
    {
        var spec = Example("wine.yaml");
        var name = Unique("wine");
        var (result, _) = await TrainAsync(spec, Unique("wine"), name);

        var macro = Metric(result, "accuracy_macro");
        Assert.True(macro > 0.9, $"macro accuracy {macro}");
        Assert.True(result.GetProperty("metrics").TryGetProperty("accuracy_macro_std", out _));

        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var history = await client.GetMetricHistoryAsync(result.GetProperty("run_id").GetString()!, "fold_accuracy_macro", TestContext.Current.CancellationToken);
        Assert.Equal([0L, 1, 2, 3, 4], history.Select(m => m.Step!.Value).Order());
        Assert.Equal(history.Average(m => m.Value!.Value), macro, 9);

        // Served predictions are the class values, not ML.NET's internal key numbers.
        using var model = await client.LoadModelAsync($"models:/{name}/1", TestContext.Current.CancellationToken);
        var (inputs, label) = await DataOf(spec);
        var predicted = model.Predict(inputs)["PredictedLabel"];
        var correct = Enumerable.Range(0, inputs.RowCount).Count(i =>
            Convert.ToDouble(predicted[i], CultureInfo.InvariantCulture) == Convert.ToDouble(label[i], CultureInfo.InvariantCulture));
        Assert.True(correct > 0.95 * inputs.RowCount, $"{correct} of {inputs.RowCount} correct");
    }

    [Fact]
    public async Task Boston_Regression_LogsErrorMetricsAndPlots()
    {
        var (result, _) = await TrainAsync(Example("boston.yaml"), Unique("boston"), Unique("boston"));

        Assert.True(Metric(result, "r2_score") > 0.75, $"R² {Metric(result, "r2_score")}");
        Assert.True(Metric(result, "rmse") is > 0 and < 6, $"RMSE {Metric(result, "rmse")}");
        Assert.Equal(Metric(result, "rmse") * Metric(result, "rmse"), Metric(result, "mse"), 6);

        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var run = await client.GetRunAsync(result.GetProperty("run_id").GetString()!, TestContext.Current.CancellationToken);
        var plots = (await client.ListArtifactsAsync(run.Info.ArtifactUri, "plots", TestContext.Current.CancellationToken)).Select(f => f.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "plots/predicted_vs_actual.svg", "plots/residuals.svg", "plots/feature_importance.svg" }, plots);
    }

    [Fact]
    public async Task Credit_FeatureImportance_RanksTheDocumentedDriversAboveAnIrrelevantColumn()
    {
        // Income and debt-to-income drive approval in the generating model; gender has no effect without --bias.
        var folder = Directory.CreateTempSubdirectory("cairn-train-credit").FullName;
        await using (var writer = new StreamWriter(Path.Combine(folder, "credit.csv")))
        {
            CreditCsv.Write(CreditApplicants.Generate(new CreditApplicantOptions { Rows = 8000, Seed = 5 }), writer);
        }

        File.Copy(Example("credit.yaml"), Path.Combine(folder, "credit.yaml"));
        var (result, _) = await TrainAsync(Path.Combine(folder, "credit.yaml"), Unique("credit"), Unique("credit"));

        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var run = await client.GetRunAsync(result.GetProperty("run_id").GetString()!, TestContext.Current.CancellationToken);
        var importance = (await ReadJsonArtifact(client, run.Info.ArtifactUri, "feature_importance.json")).GetProperty("importances")
            .EnumerateArray().ToDictionary(i => i.GetProperty("column").GetString()!, i => i.GetProperty("mean_drop").GetDouble());
        Assert.Equal(9, importance.Count);
        Assert.True(importance["income"] > 0.05, $"income {importance["income"]}");
        Assert.True(importance["debt_to_income"] > 0.05, $"debt_to_income {importance["debt_to_income"]}");
        Assert.True(Math.Abs(importance["gender"]) < 0.01, $"gender {importance["gender"]}");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task ABadSpec_ExitsWithEveryProblem_AndCreatesNoRun()
    {
        var folder = Directory.CreateTempSubdirectory("cairn-train-bad").FullName;
        var experiment = Unique("bad");
        var spec = Path.Combine(folder, "job.yaml");
        await File.WriteAllTextAsync(spec, $$$"""
            experiment: {{{experiment}}}
            task: binary
            data: {path: missing.csv, label: y}
            trainer: {name: fasttree, hyperparameters: {number_of_trees: -3, leaves: 4}}
            metrics: [rmse]
            """, TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await CairnProcess.RunAsync("train", "-f", spec, "--tracking-uri", server.BaseAddress.ToString());

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("trainer.hyperparameters.leaves", stderr, StringComparison.Ordinal);
        Assert.Contains("metrics: 'rmse'", stderr, StringComparison.Ordinal);
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        Assert.Null(await client.FindExperimentAsync(experiment, TestContext.Current.CancellationToken));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Check_ValidatesSpecAndData_WithoutAServer()
    {
        var folder = Directory.CreateTempSubdirectory("cairn-train-check").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "d.csv"), "a,b,y\n1,x,true\n2,y,false\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "good.yaml"), "task: binary\ndata: {path: d.csv, label: y}\ntrainer: {name: sdca}\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "bad.yaml"), "task: binary\ndata: {path: d.csv, label: approved}\ntrainer: {name: sdca}\n", TestContext.Current.CancellationToken);
        var nowhere = new Dictionary<string, string> { ["CAIRN_TRACKING_URI"] = "http://127.0.0.1:9" };

        var good = await CairnProcess.RunAsync(nowhere, "train", "-f", Path.Combine(folder, "good.yaml"), "--check");
        var bad = await CairnProcess.RunAsync(nowhere, "train", "-f", Path.Combine(folder, "bad.yaml"), "--check");

        Assert.True(good.ExitCode == 0, good.Stderr);
        Assert.Contains("2 rows", good.Stderr, StringComparison.Ordinal);
        Assert.Contains("b:categorical", good.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'approved'", bad.Stderr, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task AFailureWhileTraining_EndsTheRunFailed_AndExitsNonZero()
    {
        // Six rows and a 1% validation split: the validation rows hold one class at most, so evaluation cannot succeed.
        var folder = Directory.CreateTempSubdirectory("cairn-train-fail").FullName;
        var experiment = Unique("fail");
        await File.WriteAllTextAsync(Path.Combine(folder, "tiny.csv"), "a,b,y\n1,2,true\n2,3,false\n3,4,true\n4,5,false\n5,1,true\n6,2,false\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "job.yaml"),
            $"experiment: {experiment}\ntask: binary\ndata: {{path: tiny.csv, label: y}}\nsplit: {{validation_fraction: 0.01}}\ntrainer: {{name: fasttree}}\n",
            TestContext.Current.CancellationToken);

        var (code, _, stderr) = await CairnProcess.RunAsync("train", "-f", Path.Combine(folder, "job.yaml"), "--tracking-uri", server.BaseAddress.ToString());

        Assert.Equal(1, code);
        Assert.Contains("Training failed", stderr, StringComparison.Ordinal);
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var created = await client.FindExperimentAsync(experiment, TestContext.Current.CancellationToken);
        var run = Assert.Single(await client.SearchRunsAsync([created!.ExperimentId], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(RunStatus.Failed, run.Info.Status);
        Directory.Delete(folder, recursive: true);
    }
}
