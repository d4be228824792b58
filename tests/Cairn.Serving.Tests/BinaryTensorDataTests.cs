using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Cairn.Client;
using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.Package;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Models;
using Cairn.Serving.Tests.Infrastructure;

namespace Cairn.Serving.Tests;

/// <summary>
/// The Open Inference Protocol's binary tensor data extension over REST (Inference-Header-Content-Length, binary_data_size,
/// binary_data), and the streaming JSON reader, both checked against ONNX Runtime in process.
/// </summary>
public sealed class BinaryTensorDataTests : IAsyncLifetime
{
    private static readonly float[] X = [1, 2, 3, -1, 0, 1, 0.5f, -2, 4, 3.25f, 1, -0.75f];
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-serving-binary").FullName;
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

    private float[] Predict(float[] x) => (float[])Assert.Single(_inProcess.Predict([Tensor.Of("float_input", x, x.Length / 3, 3)])).Data;

    private static byte[] Raw(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static float[] Flat(JsonElement nested) => nested.ValueKind == JsonValueKind.Array
        ? nested.EnumerateArray().SelectMany(Flat).ToArray()
        : [nested.GetSingle()];

    /// <summary>POSTs a JSON header and raw bytes; <paramref name="headerLength"/> overrides the header's true length.</summary>
    private async Task<(HttpStatusCode Status, HttpResponseMessage Response, byte[] Body)> PostBinaryAsync(string header, byte[] raw, string? headerLength = "")
    {
        var json = Encoding.UTF8.GetBytes(header);
        using var content = new ByteArrayContent([.. json, .. raw]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (headerLength is not null)
        {
            content.Headers.Add("Inference-Header-Content-Length", headerLength.Length == 0 ? json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : headerLength);
        }

        var response = await _host.Http.PostAsync("/v2/models/model/infer", content, TestContext.Current.CancellationToken);
        return (response.StatusCode, response, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    private static string BinaryInput(int size, long rows = 4) =>
        $$$"""{"name": "float_input", "shape": [{{{rows}}}, 3], "datatype": "FP32", "parameters": {"binary_data_size": {{{size}}}}}""";

    [Fact]
    public async Task Infer_BinaryInput_GivesTheInProcessOutputs_AsJson()
    {
        var (status, response, body) = await PostBinaryAsync($$"""{"id": "b1", "inputs": [{{BinaryInput(48)}}]}""", Raw(X));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Inference-Header-Content-Length"));
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("b1", json.GetProperty("id").GetString());
        var output = Assert.Single(json.GetProperty("outputs").EnumerateArray().ToList());
        Assert.Equal(Predict(X), Flat(output.GetProperty("data")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Infer_BinaryOutputRequested_ComesAsRawBytesAfterTheJsonHeader(bool perOutput)
    {
        var request = perOutput
            ? $$$"""{"inputs": [{{{BinaryInput(48)}}}], "outputs": [{"name": "variable", "parameters": {"binary_data": true}}]}"""
            : $$$"""{"inputs": [{{{BinaryInput(48)}}}], "parameters": {"binary_data_output": true}}""";

        var (status, response, body) = await PostBinaryAsync(request, Raw(X));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var headerLength = int.Parse(Assert.Single(response.Headers.GetValues("Inference-Header-Content-Length")), System.Globalization.CultureInfo.InvariantCulture);
        var output = Assert.Single(JsonDocument.Parse(body.AsMemory(0, headerLength)).RootElement.GetProperty("outputs").EnumerateArray().ToList());
        Assert.False(output.TryGetProperty("data", out _));
        Assert.Equal([4L, 2L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(32, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(headerLength + 32, body.Length);
        Assert.Equal(Predict(X), MemoryMarshal.Cast<byte, float>(body.AsSpan(headerLength)).ToArray());
    }

    [Fact]
    public async Task Infer_JsonRequestAskingForBinaryOutput_GetsRawBytes()
    {
        var reply = await _host.Http.PostAsync("/v2/models/model/infer", new StringContent(
            $$$"""{"inputs": [{"name": "float_input", "shape": [4, 3], "datatype": "FP32", "data": {{{JsonSerializer.Serialize(X)}}}}], "outputs": [{"name": "variable", "parameters": {"binary_data": true}}]}""",
            Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var body = await reply.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var headerLength = int.Parse(Assert.Single(reply.Headers.GetValues("Inference-Header-Content-Length")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Predict(X), MemoryMarshal.Cast<byte, float>(body.AsSpan(headerLength)).ToArray());
    }

    [Theory]
    [InlineData(40, 48, "", "takes 48 bytes, but its binary_data_size is 40")]
    [InlineData(48, 44, "", "binary_data_size 48, but only 44 bytes of binary data are left")]
    [InlineData(48, 52, "", "52 bytes of binary data after the JSON header, but the inputs' binary_data_size values add up to 48")]
    [InlineData(48, 0, null, "has no Inference-Header-Content-Length header")]
    [InlineData(48, 48, "100000", "Inference-Header-Content-Length must be one whole number of bytes")]
    [InlineData(48, 48, "-5", "Inference-Header-Content-Length must be one whole number of bytes")]
    [InlineData(48, 48, "abc", "Inference-Header-Content-Length must be one whole number of bytes")]
    public async Task Infer_BinarySizesThatDisagree_Are400WithTheReason(int declared, int sent, string? headerLength, string reason)
    {
        var (status, _, body) = await PostBinaryAsync($$"""{"inputs": [{{BinaryInput(declared)}}]}""", Raw(X)[..Math.Min(sent, 48)].Concat(new byte[Math.Max(0, sent - 48)]).ToArray(), headerLength);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("""{"name": "float_input", "shape": [4, 3], "datatype": "FP32", "data": [1], "parameters": {"binary_data_size": 48}}""", "has both \"data\" and parameters.binary_data_size")]
    [InlineData("""{"name": "float_input", "shape": [4, 3], "datatype": "FP32", "parameters": {"binary_data_size": "48"}}""", "it must be a non-negative integer")]
    [InlineData("""{"name": "float_input", "shape": [4, 3], "datatype": "FP32", "parameters": {"binary_data_size": -1}}""", "it must be a non-negative integer")]
    public async Task Infer_MalformedBinaryParameters_Are400(string input, string reason)
    {
        var (status, _, body) = await PostBinaryAsync($$"""{"inputs": [{{input}}]}""", Raw(X));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ServerMetadata_ListsTheBinaryTensorDataExtension()
    {
        var extensions = (await _host.GetAsync("/v2")).Json.GetProperty("extensions").EnumerateArray().Select(e => e.GetString());

        Assert.Contains("binary_tensor_data", extensions);
    }

    [Fact]
    public async Task StreamingJson_ManyRowsInAnyPropertyOrder_MatchesTheInProcessModel()
    {
        var random = new Random(11);
        var x = Enumerable.Range(0, 3 * 1000).Select(_ => (float)Math.Round((random.NextDouble() * 4) - 2, 4)).ToArray();
        var expected = Predict(x);
        var rows = JsonSerializer.Serialize(x.Chunk(3));

        var dataFirst = await _host.PostAsync("/v2/models/model/infer",
            $$"""{"inputs": [{"data": {{rows}}, "shape": [1000, 3], "datatype": "FP32", "name": "float_input"}], "id": "order"}""");
        var flat = await _host.PostAsync("/v2/models/model/infer",
            $$"""{"inputs": [{"name": "float_input", "datatype": "FP32", "shape": [1000, 3], "data": {{JsonSerializer.Serialize(x)}}}]}""");
        var invocations = await _host.PostAsync("/invocations", $$"""{"inputs": {{rows}}}""");
        var instances = await _host.PostAsync("/invocations", $$"""{"instances": {{rows}}}""");

        Assert.Equal("order", dataFirst.Json.GetProperty("id").GetString());
        Assert.Equal(expected, Flat(dataFirst.Json.GetProperty("outputs")[0].GetProperty("data")));
        Assert.Equal(expected, Flat(flat.Json.GetProperty("outputs")[0].GetProperty("data")));
        Assert.Equal(expected, Flat(invocations.Json.GetProperty("predictions").GetProperty("variable")));
        Assert.Equal(expected, Flat(instances.Json.GetProperty("predictions").GetProperty("variable")));
    }

    [Theory]
    [InlineData("""{"inputs": [[1, 2, 3], ["NaN", 1, 2]]}""")]
    [InlineData("""{"inputs": [[1, 2, 3], [1, 2, 3]], "params": {}}""")]
    public async Task Invocations_NonFiniteSpellingsAndExtraKeys_AreAcceptedAsBefore(string body)
    {
        var reply = await _host.PostAsync("/invocations", body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(2, reply.Json.GetProperty("predictions").GetProperty("variable").GetArrayLength());
    }
}
