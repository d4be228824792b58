using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Cairn.Client;
using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.Sdk;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Models;
using Cairn.Serving.Tests.Infrastructure;
using Cairn.Server.Tests.Infrastructure;
using Microsoft.ML;

namespace Cairn.Serving.Tests;

/// <summary>
/// An ML.NET binary classifier logged to a real platform server, registered, served from models:/name@champion and
/// checked against the same package loaded in process.
/// </summary>
public sealed class MlNetServingTests(CairnServer server) : IClassFixture<CairnServer>, IAsyncLifetime
{
    private static readonly MLContext Ml = new(seed: 7);
    private readonly Frame _rows = Rows(25, seed: 5);
    private string _name = null!;
    private ServingHost _host = null!;
    private LoadedModel _inProcess = null!;

    public async ValueTask InitializeAsync()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var data = SyntheticData.Load(Ml, 400, seed: 1);
        var model = Ml.Transforms.Categorical.OneHotEncoding("SegmentKey", "Segment")
            .Append(Ml.Transforms.Concatenate("Features", "X1", "X2", "X3", "X4", "SegmentKey"))
            .Append(Ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 20, minimumExampleCountPerLeaf: 5))
            .Fit(data);
        _name = "credit-" + Guid.NewGuid().ToString("N")[..8];
        LoggedModelInfo logged;
        await using (var run = await client.StartRunAsync("serving"))
        {
            logged = await run.LogModelAsync(model, data.Schema, inputExample: Rows(3, 99), registeredModelName: _name);
        }

        await client.SetAliasAsync(_name, "champion", logged.RegisteredVersion!);
        _host = await ServingHost.StartAsync(await ServedModelLoader.LoadAsync(client, ModelSource.Parse($"models:/{_name}@champion")));
        _inProcess = await client.LoadModelAsync($"models:/{_name}/1");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _inProcess.Dispose();
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

    private string Records => JsonSerializer.Serialize(_rows.Rows());

    private string Csv
    {
        get
        {
            var text = new StringBuilder("X1,X2,X3,X4,Segment\n");
            foreach (var row in _rows.Rows())
            {
                text.AppendJoin(',', _rows.Columns.Select(c => row[c.Name] is double d ? d.ToString("R", CultureInfo.InvariantCulture) : $"\"{row[c.Name]}\"")).Append('\n');
            }

            return text.ToString();
        }
    }

    private void AssertInProcessPredictions(JsonElement predictions)
    {
        var expected = _inProcess.Predict(_rows);
        Assert.Equal(_rows.RowCount, predictions.GetArrayLength());
        var rows = predictions.EnumerateArray().ToList();
        Assert.Equal((bool[])expected["PredictedLabel"].Values, rows.Select(r => r.GetProperty("PredictedLabel").GetBoolean()));
        Assert.Equal((float[])expected["Score"].Values, rows.Select(r => r.GetProperty("Score").GetSingle()));
        Assert.Equal((float[])expected["Probability"].Values, rows.Select(r => r.GetProperty("Probability").GetSingle()));
    }

    [Fact]
    public async Task Invocations_EveryInputFormat_GivesTheInProcessPredictions()
    {
        var columns = JsonSerializer.Serialize(_rows.Columns.ToDictionary(c => c.Name, c => c.Values));
        var positional = JsonSerializer.Serialize(_rows.Rows().Select(r => r.Values));
        var payloads = new Dictionary<string, (string Body, string ContentType)>
        {
            ["dataframe_split"] = ($$"""{"dataframe_split": {{FrameJson.ToSplitJson(_rows)}}}""", "application/json"),
            ["dataframe_records"] = ($$"""{"dataframe_records": {{Records}}}""", "application/json"),
            ["instances of objects"] = ($$"""{"instances": {{Records}}}""", "application/json; charset=utf-8"),
            ["instances of rows"] = ($$"""{"instances": {{positional}}}""", "application/json"),
            ["inputs of columns"] = ($$"""{"inputs": {{columns}}}""", "application/json"),
            ["csv"] = (Csv, "text/csv"),
        };

        foreach (var (format, (body, contentType)) in payloads)
        {
            var reply = await _host.PostAsync("/invocations", body, contentType);
            Assert.True(reply.Status == HttpStatusCode.OK, $"{format}: {reply.Status} {reply.Body}");
            AssertInProcessPredictions(reply.Json.GetProperty("predictions"));
        }
    }

    [Fact]
    public async Task Infer_OneInputPerColumn_GivesTheInProcessPredictions_UnderTheRegistryVersion()
    {
        var inputs = _rows.Columns.Select(c => c.Type == DataType.String
            ? new { name = c.Name, shape = new[] { c.Length }, datatype = "BYTES", data = (object)c.Values }
            : new { name = c.Name, shape = new[] { c.Length, 1 }, datatype = "FP32", data = (object)c.Values });
        var body = JsonSerializer.Serialize(new { id = "batch-1", parameters = new { content_type = "pd" }, inputs });

        var reply = await _host.PostAsync($"/v2/models/{_name}/versions/1/infer", body);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        var json = reply.Json;
        Assert.Equal(("1", "batch-1"), (json.GetProperty("model_version").GetString(), json.GetProperty("id").GetString()));
        var outputs = json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal(["PredictedLabel", "Score", "Probability"], outputs.Keys);
        Assert.Equal(("BOOL", "FP32"), (outputs["PredictedLabel"].GetProperty("datatype").GetString(), outputs["Score"].GetProperty("datatype").GetString()));
        Assert.Equal([25L], outputs["Score"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var expected = _inProcess.Predict(_rows);
        Assert.Equal((float[])expected["Score"].Values, outputs["Score"].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal((bool[])expected["PredictedLabel"].Values, outputs["PredictedLabel"].GetProperty("data").EnumerateArray().Select(v => v.GetBoolean()));

        var metadata = (await _host.GetAsync($"/v2/models/{_name}")).Json;
        Assert.Equal(["1"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("mlnet_zip", metadata.GetProperty("platform").GetString());
        Assert.Equal(["X1:FP32", "X2:FP32", "X3:FP32", "X4:FP32", "Segment:BYTES"],
            metadata.GetProperty("inputs").EnumerateArray().Select(i => $"{i.GetProperty("name").GetString()}:{i.GetProperty("datatype").GetString()}"));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.GetAsync($"/v2/models/{_name}/versions/2/ready")).Status);
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"columns": ["X1", "X2", "X4", "Segment"], "data": [[1, 2, 3, "a"]]}}""", "Missing required input column: 'X3'")]
    [InlineData("""{"dataframe_split": {"columns": ["X1", "X2", "X3", "X4", "Segment"], "data": [["high", 2, 3, 4, "a"]]}}""", "Column 'X1' expects float values; row 0 has string")]
    [InlineData("""{"dataframe_records": [{"X1": 1, "X2": 2, "X3": 3, "X4": 4, "Segment": 5}]}""", "Column 'Segment' expects string values")]
    [InlineData("""{"instances": [[1, 2, 3, 4]]}""", "The model takes 5 columns ('X1', 'X2', 'X3', 'X4', 'Segment')")]
    [InlineData("""{"inputs": {"X1": [1, 2], "X2": [1], "X3": [1], "X4": [1], "Segment": ["a"]}}""", "different lengths")]
    public async Task Invocations_InputThatDoesNotFitTheSignature_Is400NamingTheColumn(string body, string reason)
    {
        var reply = await _host.PostAsync("/invocations", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", reply.Json.GetProperty("error_code").GetString());
        Assert.Contains(reason, reply.Json.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("X1", "BYTES", "[1]", "[\"a\"]", "Input 'X1' has datatype BYTES; model '{0}' takes FP32")]
    [InlineData("X1", "FP32", "[1, 2]", "[1, 2]", "Input 'X1' is a column and needs shape [rows] or [rows, 1], got [1, 2]")]
    [InlineData("Income", "FP32", "[1]", "[1]", "Unknown input 'Income'")]
    [InlineData("X1", "FP32", "[2]", "[1, 2]", "Column inputs must have the same number of rows")]
    public async Task Infer_ColumnInputThatDoesNotFit_Is400NamingIt(string name, string datatype, string shape, string data, string reason)
    {
        var others = new[] { "X1", "X2", "X3", "X4" }.Where(c => c != name)
            .Select(c => $$"""{"name": "{{c}}", "shape": [1], "datatype": "FP32", "data": [0.5]}""")
            .Append("""{"name": "Segment", "shape": [1], "datatype": "BYTES", "data": ["a"]}""");
        var body = $$"""{"inputs": [{"name": "{{name}}", "shape": {{shape}}, "datatype": "{{datatype}}", "data": {{data}}}, {{string.Join(", ", others)}}]}""";

        var reply = await _host.PostAsync($"/v2/models/{_name}/infer", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, reason, _name), reply.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Infer_MissingColumn_Is400NamingIt()
    {
        var reply = await _host.PostAsync($"/v2/models/{_name}/infer", """{"inputs": [{"name": "X1", "shape": [1], "datatype": "FP32", "data": [1]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("Missing inputs 'X2', 'X3', 'X4', 'Segment'", reply.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Batching_ConcurrentFrames_EachGetTheirOwnRows()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        await using var batching = await ServingHost.StartAsync(["--Serving:Batching:MaxBatchSize=64", "--Serving:Batching:MaxLatencyMs=25"],
            await ServedModelLoader.LoadAsync(client, ModelSource.Parse($"models:/{_name}/1")));
        var expected = _inProcess.Predict(_rows);
        var all = _rows.Rows().ToList();

        // Request i sends rows i .. i+2 (wrapping), so neighbouring requests overlap in content but not in answers.
        var replies = await Task.WhenAll(Enumerable.Range(0, 25).Select(i =>
            batching.PostAsync("/invocations", JsonSerializer.Serialize(new { dataframe_records = Enumerable.Range(i, 1 + (i % 3)).Select(r => all[r % 25]) }))));

        for (var i = 0; i < replies.Length; i++)
        {
            Assert.True(replies[i].Status == HttpStatusCode.OK, replies[i].Body);
            var scores = replies[i].Json.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("Score").GetSingle());
            Assert.Equal(Enumerable.Range(i, 1 + (i % 3)).Select(r => ((float[])expected["Score"].Values)[r % 25]), scores);
        }

        var metrics = (await batching.GetAsync("/metrics")).Body;
        Assert.Contains("cairn_serving_batch_size_sum{model=\"" + _name + "\",version=\"1\"} 49\n", metrics);
    }
}
