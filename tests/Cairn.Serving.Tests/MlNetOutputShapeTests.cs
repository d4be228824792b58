using System.Net;
using System.Text.Json;
using Cairn.Client;
using Cairn.Models.Data;
using Cairn.Models.Sdk;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Models;
using Cairn.Serving.Tests.Infrastructure;
using Cairn.Server.Tests.Infrastructure;
using Microsoft.ML;

namespace Cairn.Serving.Tests;

/// <summary>How ML.NET regression and multiclass outputs come back over /invocations and OIP.</summary>
public sealed class MlNetOutputShapeTests(CairnServer server) : IClassFixture<CairnServer>
{
    private static readonly MLContext Ml = new(seed: 3);

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

    private async Task<(ServingHost Host, Cairn.Models.LoadedModel InProcess, string Name)> ServeAsync(ITransformer model, IDataView data, string label)
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var name = "shape-" + Guid.NewGuid().ToString("N")[..8];
        await using (var run = await client.StartRunAsync("serving-shapes"))
        {
            await run.LogModelAsync(model, data.Schema, inputExample: Rows(2, 1), labelColumn: label, registeredModelName: name);
        }

        var host = await ServingHost.StartAsync(await ServedModelLoader.LoadAsync(client, ModelSource.Parse($"models:/{name}/1")));
        return (host, await client.LoadModelAsync($"models:/{name}/1"), name);
    }

    [Fact]
    public async Task Regression_AnswersAListOfScores()
    {
        var data = SyntheticData.Load(Ml, 300, seed: 4);
        var model = Ml.Transforms.CopyColumns("Target", "X1")
            .Append(Ml.Transforms.Concatenate("Features", "X2", "X3", "X4"))
            .Append(Ml.Regression.Trainers.Sdca(labelColumnName: "Target"))
            .Fit(data);
        var (host, inProcess, _) = await ServeAsync(model, data, "Target");
        await using var _ = host;
        using var __ = inProcess;
        var rows = Rows(6, 11);

        var reply = await host.PostAsync("/invocations", $$"""{"dataframe_split": {{FrameJson.ToSplitJson(rows)}}}""");

        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        var expected = inProcess.Predict(rows);
        Assert.Equal(["Score"], expected.Columns.Select(c => c.Name));
        Assert.Equal((float[])expected["Score"].Values, reply.Json.GetProperty("predictions").EnumerateArray().Select(p => p.GetSingle()));
    }

    [Fact]
    public async Task Multiclass_AnswersTheClassNameAndAScorePerClass()
    {
        var data = SyntheticData.Load(Ml, 600, seed: 2);
        var model = Ml.Transforms.Conversion.MapValueToKey("Label", "Kind")
            .Append(Ml.Transforms.Concatenate("Features", "X1", "X2", "X3", "X4"))
            .Append(Ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
            .Append(Ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        var (host, inProcess, name) = await ServeAsync(model, data, "Kind");
        await using var _ = host;
        using var __ = inProcess;
        var rows = Rows(8, 12);

        var reply = await host.PostAsync("/invocations", $$"""{"dataframe_records": {{JsonSerializer.Serialize(rows.Rows())}}}""");

        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        var expected = inProcess.Predict(rows);
        var predictions = reply.Json.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal((string?[])expected["PredictedLabel"].Values, predictions.Select(p => p.GetProperty("PredictedLabel").GetString()));
        var scores = (float[][])expected["Score"].Values;
        for (var r = 0; r < rows.RowCount; r++)
        {
            Assert.Equal(scores[r], predictions[r].GetProperty("Score").EnumerateArray().Select(v => v.GetSingle()));
        }

        // Over OIP the vector column is one [rows, classes] tensor and the class names are BYTES.
        var inputs = rows.Columns.Select(c => c.Type == DataType.String
            ? new { name = c.Name, shape = new[] { c.Length }, datatype = "BYTES", data = (object)c.Values }
            : new { name = c.Name, shape = new[] { c.Length }, datatype = "FP32", data = (object)c.Values });
        var infer = await host.PostAsync($"/v2/models/{name}/infer", JsonSerializer.Serialize(new { inputs }));
        Assert.True(infer.Status == HttpStatusCode.OK, infer.Body);
        var outputs = infer.Json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal("BYTES", outputs["PredictedLabel"].GetProperty("datatype").GetString());
        Assert.Equal([8L, 3L], outputs["Score"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(scores.SelectMany(s => s), outputs["Score"].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }
}
