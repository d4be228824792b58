using Cairn.Client;
using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Cairn.Models.Package;
using Cairn.Models.Sdk;
using Cairn.Server.Tests.Infrastructure;
using Microsoft.ML;

namespace Cairn.Sdk.Tests.Models;

/// <summary>ML.NET models logged the MLflow 3 way, registered, and loaded back by every URI form.</summary>
public sealed class MlNetModelTests(CairnServer server) : IClassFixture<CairnServer>
{
    private static readonly MLContext Ml = new(seed: 7);

    private static (ITransformer Model, IDataView Data) TrainBinary()
    {
        var data = SyntheticData.Load(Ml, 600, seed: 1);
        var pipeline = Ml.Transforms.Categorical.OneHotEncoding("SegmentKey", "Segment")
            .Append(Ml.Transforms.Concatenate("Features", "X1", "X2", "X3", "X4", "SegmentKey"))
            .Append(Ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 20, minimumExampleCountPerLeaf: 5));
        return (pipeline.Fit(data), data);
    }

    private static Frame Rows(int count, int seed)
    {
        var rows = SyntheticData.Rows(count, seed);
        return new Frame(
        [
            Column.Of("X1", rows.Select(r => (double)r.X1).ToArray()),
            Column.Of("X2", rows.Select(r => (double)r.X2).ToArray()),
            Column.Of("X3", rows.Select(r => (double)r.X3).ToArray()),
            Column.Of("X4", rows.Select(r => (double)r.X4).ToArray()),
            Column.Of("Segment", rows.Select(r => (string?)r.Segment).ToArray()),
        ]);
    }

    [Fact]
    public async Task LogRegisterAndLoadByAlias_GivesIdenticalPredictions()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var (model, data) = TrainBinary();
        var name = "credit-" + Guid.NewGuid().ToString("N")[..8];
        LoggedModelInfo logged;
        string runId;
        await using (var run = await client.StartRunAsync("sdk-models"))
        {
            runId = run.RunId;
            run.LogParam("trees", "20");
            run.LogMetric("auc", 0.9);
            logged = await run.LogModelAsync(model, data.Schema, inputExample: Rows(3, 99), registeredModelName: name);
        }

        Assert.StartsWith("m-", logged.ModelId);
        Assert.Equal("1", logged.RegisteredVersion);
        await client.SetAliasAsync(name, "champion", "1");

        // The wire contract: a READY logged model linked to the run, with the run's params and metrics.
        var stored = await client.GetLoggedModelAsync(logged.ModelId);
        Assert.Equal(Cairn.Core.Tracking.LoggedModelStatus.Ready, stored.Info.Status);
        Assert.Equal(runId, stored.Info.SourceRunId);
        Assert.Contains(stored.Data.Params!, p => p is { Key: "trees", Value: "20" });
        Assert.Contains(stored.Data.Metrics!, m => m.Key == "auc" && m.ModelId == logged.ModelId);
        var outputs = (await client.GetRunAsync(runId)).Outputs!.ModelOutputs!;
        Assert.Equal(logged.ModelId, Assert.Single(outputs).ModelId);

        var expected = Ml.Data.CreateEnumerable<Scored>(model.Transform(SyntheticData.Load(Ml, 200, seed: 5)), reuseRowObject: false).ToList();
        foreach (var uri in new[] { $"models:/{name}@champion", $"models:/{name}/1", $"models:/{name}/latest", logged.ModelUri, $"runs:/{runId}/model" })
        {
            using var loaded = await client.LoadModelAsync(uri);
            Assert.Equal(MlNetFlavor.Name, loaded.Flavor);
            var predicted = loaded.Predict(Rows(200, seed: 5));
            Assert.Equal(expected.Select(e => e.Score), (float[])predicted["Score"].Values);
            Assert.Equal(expected.Select(e => e.Probability), (float[])predicted["Probability"].Values);
            Assert.Equal(expected.Select(e => e.PredictedLabel), (bool[])predicted["PredictedLabel"].Values);
        }
    }

    /// <summary>Predictions reuse pooled row mappers; callers on many threads at once must each get their own rows' answers.</summary>
    [Fact]
    public async Task Predict_FromManyThreadsAtOnce_MatchesMlNetsOwnTransform()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var (model, data) = TrainBinary();
        string runId;
        await using (var run = await client.StartRunAsync("sdk-models"))
        {
            runId = run.RunId;
            await run.LogModelAsync(model, data.Schema);
        }

        using var loaded = await client.LoadModelAsync($"runs:/{runId}/model");
        var expected = Enumerable.Range(0, 8).Select(seed =>
            Ml.Data.CreateEnumerable<Scored>(model.Transform(SyntheticData.Load(Ml, 50 + seed, seed: 100 + seed)), reuseRowObject: false)
                .Select(e => e.Score).ToArray()).ToArray();
        var frames = Enumerable.Range(0, 8).Select(seed => Rows(50 + seed, 100 + seed)).ToArray();
        await Parallel.ForAsync(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, (i, _) =>
        {
            var predicted = (float[])loaded.Predict(frames[i % 8])["Score"].Values;
            Assert.Equal(expected[i % 8], predicted);
            return ValueTask.CompletedTask;
        });
    }

    [Fact]
    public async Task LogModel_RunWithOneHundredFiftyParams_CopiesEveryParamToTheModel()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var (model, data) = TrainBinary();
        await using var run = await client.StartRunAsync("sdk-models");
        for (var i = 0; i < 150; i++)
        {
            run.LogParam($"p{i:D3}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var logged = await run.LogModelAsync(model, data.Schema);
        var stored = await client.GetLoggedModelAsync(logged.ModelId);
        Assert.Equal(150, stored.Data.Params!.Count);
        Assert.Contains(stored.Data.Params!, p => p is { Key: "p149", Value: "149" });
        Assert.Equal(Cairn.Core.Tracking.LoggedModelStatus.Ready, stored.Info.Status);
    }

    [Fact]
    public async Task Package_HasMlflowsLayout_WithInferredSignatureAndExample()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var (model, data) = TrainBinary();
        await using var run = await client.StartRunAsync("sdk-models");
        var logged = await run.LogModelAsync(model, data.Schema, inputExample: Rows(2, 3));

        var directory = Directory.CreateTempSubdirectory("cairn-pkg").FullName;
        try
        {
            await client.DownloadArtifactsAsync(logged.ArtifactUri, null, directory);
            Assert.True(File.Exists(Path.Combine(directory, "model.zip")));
            var file = await MlModelFile.ReadAsync(directory);
            Assert.Equal(logged.ModelId, file.ModelId);
            Assert.Equal(logged.ModelId, file.ModelUuid);
            Assert.Equal(run.RunId, file.RunId);
            Assert.Equal(logged.ArtifactUri, file.ArtifactPath);
            Assert.Equal("model.zip", file.Flavors["mlnet"]["model_file"]);
            Assert.Equal("5.0.1", file.Flavors["mlnet"]["mlnet_version"]?.ToString()?[..5]);
            // The example's columns go in; the trainer's three prediction columns come out.
            Assert.Equal(["X1", "X2", "X3", "X4", "Segment"], file.Signature!.Inputs.Columns.Select(c => c.Name));
            Assert.Equal(DataType.String, file.Signature.Inputs.Columns.Single(c => c.Name == "Segment").Type);
            Assert.Equal(["PredictedLabel", "Score", "Probability"], file.Signature.Outputs!.Columns.Select(c => c.Name));
            var example = await InputExample.ReadFrameAsync(file, directory, TestContext.Current.CancellationToken);
            Assert.Equal(2, example!.RowCount);
            Assert.Equal(SyntheticData.Rows(2, 3)[1].Segment, example["Segment"][1]);
            Assert.True(file.ModelSizeBytes > 1000);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [Fact]
    public async Task Multiclass_PredictedLabel_ComesBackAsClassNames()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var data = SyntheticData.Load(Ml, 900, seed: 2);
        var model = Ml.Transforms.Conversion.MapValueToKey("Label", "Kind")
            .Append(Ml.Transforms.Concatenate("Features", "X1", "X2", "X3", "X4"))
            .Append(Ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
            .Append(Ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        await using var run = await client.StartRunAsync("sdk-models");
        var logged = await run.LogModelAsync(model, data.Schema, labelColumn: "Kind");
        Assert.Equal(["X1", "X2", "X3", "X4", "Segment", "Label"], logged.Metadata.Signature!.Inputs.Columns.Select(c => c.Name));
        using var loaded = await client.LoadModelAsync(logged.ModelUri);

        var predicted = loaded.Predict(Rows(300, seed: 8));
        var labels = (string?[])predicted["PredictedLabel"].Values;
        Assert.All(labels, l => Assert.Contains(l, new[] { "low", "mid", "high" }));
        var truth = SyntheticData.Rows(300, 8).Select(r => r.Kind).ToList();
        Assert.True(labels.Zip(truth).Count(p => p.First == p.Second) > 200, "a multiclass model on separable data should be mostly right");
        Assert.Equal(3, ((float[][])predicted["Score"].Values)[0].Length);
    }

    [Fact]
    public async Task BadInput_NamesTheColumn()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var (model, data) = TrainBinary();
        await using var run = await client.StartRunAsync("sdk-models");
        var logged = await run.LogModelAsync(model, data.Schema);
        using var loaded = await client.LoadModelAsync(logged.ModelUri);
        var bad = new Frame([Column.Of("X1", new[] { "high" }), Column.Of("X2", [1.0]), Column.Of("X3", [1.0]), Column.Of("X4", [1.0]), Column.Of("Segment", new[] { "a" })]);
        Assert.Contains("'X1'", Assert.Throws<FormatException>(() => loaded.Predict(bad)).Message);
    }

    [Fact]
    public async Task UnknownModel_IsAClearError()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var error = await Assert.ThrowsAsync<CairnClientException>(() => client.LoadModelAsync("models:/no-such-model@champion"));
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", error.ErrorCode);
        var run = await client.CreateRunAsync("0");
        Assert.Contains("has no model at 'model'", (await Assert.ThrowsAsync<ModelPackageException>(() => client.LoadModelAsync($"runs:/{run.Info.RunId}/model"))).Message);
    }

    private sealed class Scored
    {
        public bool PredictedLabel { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }
    }
}
