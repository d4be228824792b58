using System.Net;
using System.Text.Json;
using Cairn.Client;
using Cairn.Models.Data;
using Cairn.Models.Sdk;
using Cairn.Serving.Models;
using Cairn.Serving.Tests.Infrastructure;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Training.Jobs;

namespace Cairn.Serving.Tests;

/// <summary>
/// A model trained by a training job (what <c>cairn train</c> runs) on the breast-cancer CSV, logged the MLflow 3 way,
/// served from each URI form that names it (registry version, logged-model id, run path), with the predictions the
/// package gives in process.
/// </summary>
public sealed class TrainedModelServingTests(CairnServer server) : IClassFixture<CairnServer>
{
    private static string RepositoryRoot
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Cairn.slnx")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("Cairn.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public async Task ATrainedModel_ServedByVersionModelIdAndRunPath_AnswersWithTheInProcessPredictions()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var name = "bc-served-" + Guid.NewGuid().ToString("N")[..8];
        var spec = TrainingSpecReader.ReadFile(Path.Combine(RepositoryRoot, "examples", "training", "breast-cancer.yaml")) with
        {
            Experiment = name,
            RegisterAs = name,
            FeatureImportanceRepeats = 0,
            Plots = false,
        };
        var trained = await new TrainingJob(client).RunAsync(spec, cancellationToken: TestContext.Current.CancellationToken);
        var (_, table) = await TrainingJob.LoadTableAsync(spec, TestContext.Current.CancellationToken);
        var rows = new Frame(table.Frame.Head(20).Columns.Where(c => c.Name != table.Label).ToList());
        using var inProcess = await client.LoadModelAsync($"models:/{name}/1", TestContext.Current.CancellationToken);
        var expected = inProcess.Predict(rows);

        foreach (var uri in new[] { $"models:/{name}/1", trained.Model.ModelUri, $"runs:/{trained.RunId}/model" })
        {
            await using var host = await ServingHost.StartAsync(await ServedModelLoader.LoadAsync(client, ModelSource.Parse($"bc={uri}")));

            var invocation = await host.PostAsync("/invocations", $$"""{"dataframe_split": {{FrameJson.ToSplitJson(rows)}}}""");
            var inputs = rows.Columns.Select(c => new { name = c.Name, shape = new[] { c.Length }, datatype = "FP32", data = c.Values });
            var inference = await host.PostAsync("/v2/models/bc/infer", JsonSerializer.Serialize(new { inputs }));

            Assert.True(invocation.Status == HttpStatusCode.OK, $"{uri}: {invocation.Body}");
            Assert.True(inference.Status == HttpStatusCode.OK, $"{uri}: {inference.Body}");
            var predictions = invocation.Json.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal((bool[])expected["PredictedLabel"].Values, predictions.Select(p => p.GetProperty("PredictedLabel").GetBoolean()));
            Assert.Equal((float[])expected["Probability"].Values, predictions.Select(p => p.GetProperty("Probability").GetSingle()));
            var probability = inference.Json.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "Probability");
            Assert.Equal((float[])expected["Probability"].Values, probability.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
        }
    }
}
