using System.Net;
using System.Text.Json;
using Cairn.Client;
using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.Package;
using Cairn.Serving.Models;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Tests.Infrastructure;

namespace Cairn.Serving.Tests;

/// <summary>An ONNX model in the layout Python MLflow writes, served over both protocols and checked against ONNX Runtime in process.</summary>
public sealed class OnnxServingTests : IAsyncLifetime
{
    private static readonly float[] X = [1, 2, 3, -1, 0, 1, 0.5f, -2, 4, 3.25f, 1, -0.75f];
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-serving-onnx").FullName;
    private ServingHost _host = null!;
    private LoadedModel _inProcess = null!;

    public async ValueTask InitializeAsync()
    {
        var package = OnnxPackages.WritePythonLayout(_work, "linear");
        using var client = CairnClient.Create("http://127.0.0.1:9");
        _host = await ServingHost.StartAsync(await ServedModelLoader.LoadAsync(client, ModelSource.Parse(package)));
        _inProcess = await ModelPackage.LoadAsync(package);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _inProcess.Dispose();
        Directory.Delete(_work, true);
    }

    private float[] Expected => (float[])Assert.Single(_inProcess.Predict([Tensor.Of("float_input", X, 4, 3)])).Data;

    private static string Rows => JsonSerializer.Serialize(X.Chunk(3));

    private static float[] Flat(JsonElement nested) => nested.ValueKind == JsonValueKind.Array
        ? nested.EnumerateArray().SelectMany(Flat).ToArray()
        : [nested.GetSingle()];

    [Theory]
    [InlineData("inputs-list")]
    [InlineData("instances-list")]
    [InlineData("inputs-object")]
    [InlineData("instances-objects")]
    public async Task Invocations_TensorPayloads_AnswerAnObjectOfNamedOutputs(string format)
    {
        var body = format switch
        {
            "inputs-list" => $$"""{"inputs": {{Rows}}}""",
            "instances-list" => $$"""{"instances": {{Rows}}}""",
            "inputs-object" => $$$"""{"inputs": {"float_input": {{{Rows}}}}}""",
            _ => $$"""{"instances": [{{string.Join(", ", X.Chunk(3).Select(r => $$"""{"float_input": {{JsonSerializer.Serialize(r)}}}"""))}}]}""",
        };

        var reply = await _host.PostAsync("/invocations", body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        var variable = reply.Json.GetProperty("predictions").GetProperty("variable");
        Assert.Equal(4, variable.GetArrayLength());
        Assert.Equal(Expected, Flat(variable));
    }

    [Theory]
    [InlineData("dataframe_split")]
    [InlineData("dataframe_records")]
    public async Task Invocations_DataFramePayloads_FillTheOneInputSideBySide_AndAnswerRows(string format)
    {
        var rows = X.Chunk(3).ToList();
        var body = format == "dataframe_split"
            ? $$$"""{"dataframe_split": {"columns": ["a", "b", "c"], "data": {{{Rows}}}}}"""
            : $$"""{"dataframe_records": {{JsonSerializer.Serialize(rows.Select(r => new { a = r[0], b = r[1], c = r[2] }))}}}""";

        var reply = await _host.PostAsync("/invocations", body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var predictions = reply.Json.GetProperty("predictions");
        Assert.Equal(4, predictions.GetArrayLength());
        Assert.Equal(Expected, predictions.EnumerateArray().SelectMany(p => Flat(p.GetProperty("variable"))).ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Infer_NestedOrFlatData_GivesTheInProcessOutputs_AndEchoesTheId(bool nested)
    {
        var data = nested ? Rows : JsonSerializer.Serialize(X);
        var reply = await _host.PostAsync("/v2/models/model/infer",
            $$"""{"id": "req-7", "inputs": [{"name": "float_input", "shape": [4, 3], "datatype": "FP32", "data": {{data}}}]}""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var json = reply.Json;
        Assert.Equal("model", json.GetProperty("model_name").GetString());
        Assert.Equal("req-7", json.GetProperty("id").GetString());
        Assert.False(json.TryGetProperty("model_version", out _));
        var output = Assert.Single(json.GetProperty("outputs").EnumerateArray().ToList());
        Assert.Equal("variable", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([4L, 2L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(Expected, Flat(output.GetProperty("data")));
    }

    [Fact]
    public async Task Infer_RequestedOutputs_AreTheOnlyOnesReturned_AndAnUnknownOneIsRefused()
    {
        var input = $$"""{"name": "float_input", "shape": [4, 3], "datatype": "FP32", "data": {{Rows}}}""";

        var chosen = await _host.PostAsync("/v2/models/model/infer", $$"""{"inputs": [{{input}}], "outputs": [{"name": "variable"}]}""");
        var unknown = await _host.PostAsync("/v2/models/model/infer", $$"""{"inputs": [{{input}}], "outputs": [{"name": "probabilities"}]}""");

        Assert.Equal("variable", Assert.Single(chosen.Json.GetProperty("outputs").EnumerateArray().ToList()).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("Unknown output 'probabilities'", unknown.Json.GetProperty("error").GetString());
    }

    [Theory]
    // The protocol's own example sends shape [3] with one element: element count must equal the shape's product.
    [InlineData("""{"name": "float_input", "shape": [3, 3], "datatype": "FP32", "data": [1.0]}""", "holds 9 elements, but its data has 1")]
    [InlineData("""{"name": "input0", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}""", "Unknown input 'input0'")]
    [InlineData("""{"name": "float_input", "shape": [1, 3], "datatype": "FP64", "data": [1, 2, 3]}""", "has datatype FP64; model 'model' takes FP32")]
    [InlineData("""{"name": "float_input", "shape": [1, 3], "datatype": "FLOAT", "data": [1, 2, 3]}""", "unknown datatype 'FLOAT'")]
    [InlineData("""{"name": "float_input", "shape": [2, 4], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6, 7, 8]}""", "needs shape [-1, 3], got [2, 4]")]
    [InlineData("""{"name": "float_input", "shape": [-1, 3], "datatype": "FP32", "data": [1, 2, 3]}""", "dimensions must be non-negative integers")]
    [InlineData("""{"name": "float_input", "shape": [1, 3], "datatype": "FP32", "data": [1, "two", 3]}""", "expects FP32 values; element 1 is string")]
    [InlineData("""{"name": "float_input", "shape": [1, 3], "datatype": "FP32", "data": [1, 1e300, 3]}""", "expects FP32 values; element 1")]
    [InlineData("""{"name": "float_input", "shape": [1, 3], "datatype": "FP32"}""", "has no \"data\"")]
    public async Task Infer_InvalidInput_Is400WithTheReason(string input, string reason)
    {
        var reply = await _host.PostAsync("/v2/models/model/infer", $$"""{"inputs": [{{input}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(reason, reply.Json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("{\"inputs\": []}", "non-empty \"inputs\"")]
    [InlineData("{\"id\": 7, \"inputs\": []}", "\"id\" must be a string")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    public async Task Infer_MalformedRequest_Is400(string body, string reason)
    {
        var reply = await _host.PostAsync("/v2/models/model/infer", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(reason, reply.Json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("text/plain", "{}", 415, null, "only supports the following content types")]
    [InlineData("application/json; charset=latin-1", "{}", 415, null, "only supports UTF-8")]
    [InlineData("application/json; format=pandas", "{}", 415, null, "Unrecognized content type parameters")]
    [InlineData(null, "{}", 415, null, "only supports the following content types")]
    [InlineData("application/json", "{\"inputs\": [[1, 2", 400, "BAD_REQUEST", "not valid JSON")]
    [InlineData("application/json", "[[1, 2, 3]]", 400, "BAD_REQUEST", "exactly one of the input fields")]
    [InlineData("application/json", "{}", 400, "BAD_REQUEST", "exactly one of the input fields")]
    [InlineData("application/json", "{\"inputs\": [[1, 2, 3]], \"instances\": [[1, 2, 3]]}", 400, "BAD_REQUEST", "'instances' and 'inputs'")]
    [InlineData("application/json", "{\"messages\": [{\"role\": \"user\"}]}", 400, "BAD_REQUEST", "language models")]
    [InlineData("application/json", "{\"inputs\": [[1, 2, 3]], \"signature_name\": \"serving_default\"}", 400, "BAD_REQUEST", "'signature_name' is not supported")]
    [InlineData("application/json", "{\"inputs\": [[1, 2, 3, 4]]}", 400, "INVALID_PARAMETER_VALUE", "Input 'float_input' needs shape [-1, 3], got [1, 4]")]
    [InlineData("application/json", "{\"inputs\": [[1, \"x\", 3]]}", 400, "INVALID_PARAMETER_VALUE", "Input 'float_input' expects float32 values")]
    [InlineData("application/json", "{\"inputs\": [[1, 2, 3], [1, 2]]}", 400, "INVALID_PARAMETER_VALUE", "ragged")]
    [InlineData("application/json", "{\"inputs\": {\"x\": [[1, 2, 3]]}}", 400, "INVALID_PARAMETER_VALUE", "Unknown input 'x'")]
    [InlineData("text/csv", "a,b,c\n1,2,3\n", 400, "INVALID_PARAMETER_VALUE", "CSV input is not supported")]
    public async Task Invocations_BadRequests_AnswerMlflowsStatusAndCode(string? contentType, string body, int status, string? code, string reason)
    {
        var reply = await _host.PostAsync("/invocations", body, contentType);

        Assert.Equal(status, (int)reply.Status);
        if (code is null)
        {
            Assert.Equal("text/plain", reply.ContentType);
            Assert.Contains(reason, reply.Body);
        }
        else
        {
            Assert.Equal(code, reply.Json.GetProperty("error_code").GetString());
            Assert.Contains(reason, reply.Json.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task HealthAndMetadata_DescribeTheModel()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.GetAsync("/ping")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _host.GetAsync("/health")).Status);
        Assert.Equal("2.12.2", (await _host.GetAsync("/version")).Body);
        Assert.True((await _host.GetAsync("/v2/health/live")).Json.GetProperty("live").GetBoolean());
        Assert.True((await _host.GetAsync("/v2/health/ready")).Json.GetProperty("ready").GetBoolean());
        Assert.Equal("cairn", (await _host.GetAsync("/v2")).Json.GetProperty("name").GetString());

        var metadata = (await _host.GetAsync("/v2/models/model")).Json;
        Assert.Equal("onnx_onnxv1", metadata.GetProperty("platform").GetString());
        var input = Assert.Single(metadata.GetProperty("inputs").EnumerateArray().ToList());
        Assert.Equal(("float_input", "FP32"), (input.GetProperty("name").GetString(), input.GetProperty("datatype").GetString()));
        Assert.Equal([-1L, 3L], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.True((await _host.GetAsync("/v2/models/model/ready")).Json.GetProperty("ready").GetBoolean());

        var unknown = await _host.GetAsync("/v2/models/other/ready");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("'other'", unknown.Json.GetProperty("error").GetString());
        // Loaded from a folder, the model has no registry version to address.
        Assert.Equal(HttpStatusCode.NotFound, (await _host.GetAsync("/v2/models/model/versions/1")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.PostAsync("/models/other/invocations", "{}")).Status);
    }

    [Fact]
    public async Task ABodyOverTheLimit_Is413_AndAnUnknownRouteIsAJson404()
    {
        using var client = CairnClient.Create("http://127.0.0.1:9");
        await using var small = await ServingHost.StartAsync(["--Serving:MaxRequestBodyBytes=1024"],
            await ServedModelLoader.LoadAsync(client, ModelSource.Parse(Path.Combine(_work, "linear"))));

        var large = await small.PostAsync("/invocations", $$"""{"inputs": {{JsonSerializer.Serialize(Enumerable.Repeat(new[] { 1f, 2f, 3f }, 200))}}}""");
        var unknown = await small.GetAsync("/v1/models/model:predict");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.Status);
        Assert.Equal("BAD_REQUEST", large.Json.GetProperty("error_code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("ENDPOINT_NOT_FOUND", unknown.Json.GetProperty("error_code").GetString());
    }
}
