using Cairn.Models.Package;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Models;
using Cairn.Serving.Oip.Grpc;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Cairn.Serving.Tests;

/// <summary>The Open Inference Protocol over gRPC, driven by the client generated from the protocol's proto file.</summary>
public sealed class GrpcInferenceTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-grpc").FullName;
    private Microsoft.AspNetCore.Builder.WebApplication? _app;
    private GrpcChannel? _channel;

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    public async ValueTask InitializeAsync()
    {
        var onnx = OnnxPackages.WritePythonLayout(_work, "linear");
        var model = new ServedModel("lr", "7", onnx, await ModelPackage.LoadAsync(onnx, TestContext.Current.CancellationToken), TimeSpan.Zero);
        _app = ServingApp.Create(["--Serving:Port=0", "--Serving:GrpcPort=0", "--Logging:LogLevel:Default=Warning"], new ServedModels([model]));
        await _app.StartServingAsync(TestContext.Current.CancellationToken);
        _channel = GrpcChannel.ForAddress(_app.GrpcAddress()!);
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_work, true);
    }

    private static float[] Expected(float[] x, int rows)
    {
        var y = new float[rows * 2];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < 2; o++)
            {
                var sum = OnnxPackages.Bias[o];
                for (var i = 0; i < 3; i++)
                {
                    sum += x[(r * 3) + i] * OnnxPackages.Weights[i, o];
                }

                y[(r * 2) + o] = sum;
            }
        }

        return y;
    }

    [Fact]
    public async Task HealthAndMetadata_AnswerAsTheProtocolSays()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True((await Client.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: ct)).Live);
        Assert.True((await Client.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: ct)).Ready);
        Assert.Equal("cairn", (await Client.ServerMetadataAsync(new ServerMetadataRequest(), cancellationToken: ct)).Name);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "lr", Version = "7" }, cancellationToken: ct)).Ready);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "lr", Version = "8" }, cancellationToken: ct)).Ready);

        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "lr" }, cancellationToken: ct);

        Assert.Equal(["7"], metadata.Versions);
        Assert.Equal("onnx_onnxv1", metadata.Platform);
        Assert.Equal("float_input", metadata.Inputs[0].Name);
        Assert.Equal("FP32", metadata.Inputs[0].Datatype);
        Assert.Equal([-1L, 3L], metadata.Inputs[0].Shape);
    }

    [Fact]
    public async Task ModelInfer_WithTypedContents_Predicts()
    {
        float[] x = [1, 2, 3, 0.5f, -1, 4];
        var request = new ModelInferRequest { ModelName = "lr", Id = "req-1" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor
        {
            Name = "float_input", Datatype = "FP32", Shape = { 2, 3 }, Contents = new InferTensorContents { Fp32Contents = { x } },
        });

        var response = await Client.ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(("lr", "7", "req-1"), (response.ModelName, response.ModelVersion, response.Id));
        var output = Assert.Single(response.Outputs);
        Assert.Equal(("variable", "FP32"), (output.Name, output.Datatype));
        Assert.Equal([2L, 2L], output.Shape);
        Assert.Equal(Expected(x, 2), output.Contents.Fp32Contents.ToArray());
    }

    [Fact]
    public async Task ModelInfer_WithRawContents_AnswersRaw()
    {
        float[] x = [3, 2, 1];
        var request = new ModelInferRequest { ModelName = "lr", ModelVersion = "7" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "float_input", Datatype = "FP32", Shape = { 1, 3 } });
        request.RawInputContents.Add(ByteString.CopyFrom(x.SelectMany(BitConverter.GetBytes).ToArray()));

        var response = await Client.ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        var raw = Assert.Single(response.RawOutputContents).ToByteArray();
        Assert.Equal(Expected(x, 1), Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw, i * 4)).ToArray());
        Assert.Null(response.Outputs[0].Contents);
    }

    [Theory]
    [InlineData("lr", "FP64", 3, StatusCode.InvalidArgument, "has datatype FP64; model 'lr' takes FP32")]
    [InlineData("lr", "FP32", 2, StatusCode.InvalidArgument, "holds 3 elements, but its data has 2")]
    [InlineData("other", "FP32", 3, StatusCode.NotFound, "Model 'other' is not served here")]
    public async Task BadRequests_GetTheProtocolsStatusCodes(string model, string datatype, int values, StatusCode code, string message)
    {
        var request = new ModelInferRequest { ModelName = model };
        var contents = new InferTensorContents();
        if (datatype == "FP64")
        {
            contents.Fp64Contents.AddRange(Enumerable.Repeat(1.0, values));
        }
        else
        {
            contents.Fp32Contents.AddRange(Enumerable.Repeat(1f, values));
        }

        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "float_input", Datatype = datatype, Shape = { 1, 3 }, Contents = contents });

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(code, error.StatusCode);
        Assert.Contains(message, error.Status.Detail);
    }
}
