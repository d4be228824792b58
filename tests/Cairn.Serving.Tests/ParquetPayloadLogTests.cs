using System.Net;
using System.Text.Json;
using Cairn.Models.Package;
using Cairn.Serving.Models;
using Cairn.Serving.Tests.Batch;
using Cairn.Serving.Tests.Infrastructure;
using Parquet.Serialization;

namespace Cairn.Serving.Tests;

/// <summary>
/// Payload logging to Parquet: an ML.NET column model's scored rows, read back with Parquet.Net, carry the request's
/// features and the predictions the server answered, row for row.
/// </summary>
public sealed class ParquetPayloadLogTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-payloads-parquet").FullName;

    public void Dispose() => Directory.Delete(_work, true);

    private string Payloads => Path.Combine(_work, "payloads");

    private async Task<ServingHost> StartAsync(string folder, string name, params string[] settings)
    {
        var model = new ServedModel(name, "3", folder, await ModelPackage.LoadAsync(folder, TestContext.Current.CancellationToken), TimeSpan.Zero);
        return await ServingHost.StartAsync([$"--Serving:PayloadLog:Directory={Payloads}", "--Serving:PayloadLog:Format=parquet", .. settings], model);
    }

    private static async Task<List<Dictionary<string, object?>>> ReadRowsAsync(string path)
    {
        await using var file = File.OpenRead(path);
        var table = await ParquetSerializer.DeserializeUntypedAsync(file, cancellationToken: TestContext.Current.CancellationToken);
        return table.Data.Select(row => row.ToDictionary(p => p.Key, p => (object?)p.Value)).ToList();
    }

    [Fact]
    public async Task ColumnModel_EachScoredRow_IsARowWithItsFeaturesAndPredictions()
    {
        var folder = await BatchModels.WriteClassifierAsync(_work);
        var host = await StartAsync(folder, "credit", "--Serving:PayloadLog:RowGroupRows=4");
        var split = """{"dataframe_split": {"columns": ["X1", "X2", "X3", "X4", "Segment"], "data": [[0.5, 1.5, -2, 3.25, "a"], [1, 2, 3, 4, "b"], [-1, 0, 0.25, 2, "c"]]}}""";
        var first = await host.PostAsync("/invocations", split);
        var second = await host.PostAsync("/v2/models/credit/infer", """
            {"id": "oip-1", "inputs": [
              {"name": "X1", "shape": [2], "datatype": "FP32", "data": [7, 8]},
              {"name": "X2", "shape": [2], "datatype": "FP32", "data": [0, 1]},
              {"name": "X3", "shape": [2], "datatype": "FP32", "data": [1, 1]},
              {"name": "X4", "shape": [2], "datatype": "FP32", "data": [-3, 3]},
              {"name": "Segment", "shape": [2], "datatype": "BYTES", "data": ["a", "b"]}]}
            """);
        var refused = await host.PostAsync("/invocations", """{"dataframe_split": {"columns": ["X1"], "data": [[1]]}}""");
        await host.DisposeAsync(); // Stopping writes the last row group and closes the file.

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest), (first.Status, second.Status, refused.Status));
        Assert.Empty(Directory.GetFiles(Payloads, "*.tmp", SearchOption.AllDirectories));
        var file = Assert.Single(Directory.GetFiles(Payloads, "*.parquet", SearchOption.AllDirectories));
        Assert.Matches(@"payloads[/\\]credit[/\\]\d{4}-\d{2}-\d{2}[/\\]payloads-\d{2}-[0-9a-f]{12}\.parquet$", file);
        var rows = await ReadRowsAsync(file);

        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal(("credit", "3"), ((string?)r["model"], (string?)r["version"])));
        Assert.Equal([0, 1, 2, 0, 1], rows.Select(r => (int)r["row"]!));
        Assert.Equal([0.5f, 1f, -1f, 7f, 8f], rows.Select(r => (float)r["X1"]!));
        Assert.Equal([3.25f, 4f, 2f, -3f, 3f], rows.Select(r => (float)r["X4"]!));
        Assert.Equal(["a", "b", "c", "a", "b"], rows.Select(r => (string?)r["Segment"]));
        Assert.Single(rows.Take(3).Select(r => r["request_id"]).Distinct());
        Assert.NotEqual(rows[0]["request_id"], rows[3]["request_id"]);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        Assert.All(rows, r => Assert.InRange((DateTime)r["timestamp"]!, now.AddMinutes(-5), now.AddMinutes(1)));

        var answered = first.Json.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(answered.Select(p => p.GetProperty("Probability").GetSingle()), rows.Take(3).Select(r => (float)r["prediction_Probability"]!));
        Assert.Equal(answered.Select(p => p.GetProperty("PredictedLabel").GetBoolean()), rows.Take(3).Select(r => (bool)r["prediction_PredictedLabel"]!));
        var oip = second.Json.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "Probability");
        Assert.Equal(oip.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()), rows.Skip(3).Select(r => (float)r["prediction_Probability"]!));
    }

    [Fact]
    public async Task TensorModel_IsLoggedOneRowPerRequest_WithTheBodiesAsJsonText()
    {
        var folder = Cairn.Sdk.Tests.Models.OnnxPackages.WritePythonLayout(_work, "linear");
        var host = await StartAsync(folder, "lr");
        var reply = await host.PostAsync("/invocations", """{"inputs": [[1, 2, 3], [4, 5, 6]]}""");
        await host.DisposeAsync();

        var rows = await ReadRowsAsync(Assert.Single(Directory.GetFiles(Payloads, "*.parquet", SearchOption.AllDirectories)));

        var row = Assert.Single(rows);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal([[1f, 2f, 3f], [4f, 5f, 6f]], JsonDocument.Parse((string)row["input_json"]!).RootElement.GetProperty("inputs")
            .EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray());
        Assert.Equal(reply.Body, (string?)row["prediction_json"]);
    }
}
