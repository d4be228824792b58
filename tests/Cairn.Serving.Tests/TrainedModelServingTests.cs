using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Cairn.Client;
using Cairn.Models.Data;
using Cairn.Models.Sdk;
using Cairn.Serving.Models;
using Cairn.Serving.Oip.Grpc;
using Cairn.Serving.Tests.Infrastructure;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Training.Jobs;
using Google.Protobuf;
using Grpc.Net.Client;

namespace Cairn.Serving.Tests;

/// <summary>
/// A model trained by a training job (what <c>cairn train</c> runs) on the breast-cancer CSV, logged the MLflow 3 way,
/// served from each URI form that names it (registry version, logged-model id, run path), with the predictions the
/// package gives in process over MLflow /invocations, OIP v2 REST and OIP v2 gRPC (the client generated from the
/// protocol's proto file, typed and raw contents).
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
            await using var host = await ServingHost.StartAsync(["--Serving:GrpcPort=0"], await ServedModelLoader.LoadAsync(client, ModelSource.Parse($"bc={uri}")));

            var invocation = await host.PostAsync("/invocations", $$"""{"dataframe_split": {{FrameJson.ToSplitJson(rows)}}}""");
            var positional = await host.PostAsync("/invocations", JsonSerializer.Serialize(new
            {
                inputs = Enumerable.Range(0, rows.RowCount).Select(r => rows.Columns.Select(c => ((float[])c.Values)[r])),
            }));
            var inputs = rows.Columns.Select(c => new { name = c.Name, shape = new[] { c.Length }, datatype = "FP32", data = c.Values });
            var inference = await host.PostAsync("/v2/models/bc/infer", JsonSerializer.Serialize(new { inputs }));

            Assert.True(invocation.Status == HttpStatusCode.OK, $"{uri}: {invocation.Body}");
            Assert.True(inference.Status == HttpStatusCode.OK, $"{uri}: {inference.Body}");
            var predictions = invocation.Json.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal((bool[])expected["PredictedLabel"].Values, predictions.Select(p => p.GetProperty("PredictedLabel").GetBoolean()));
            Assert.Equal((float[])expected["Probability"].Values, predictions.Select(p => p.GetProperty("Probability").GetSingle()));
            var probability = inference.Json.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "Probability");
            Assert.Equal((float[])expected["Probability"].Values, probability.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
            Assert.True(positional.Status == HttpStatusCode.OK, $"{uri}: {positional.Body}");
            Assert.Equal((float[])expected["Probability"].Values,
                positional.Json.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("Probability").GetSingle()));

            await AssertGrpcPredictsAsync(host.App.GrpcAddress()!, rows, expected, uri);
        }
    }

    /// <summary>The same rows over gRPC, once as typed fp32_contents and once as raw_input_contents.</summary>
    private static async Task AssertGrpcPredictsAsync(Uri address, Frame rows, Frame expected, string uri)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var cancellation = TestContext.Current.CancellationToken;
        Assert.True((await grpc.ModelReadyAsync(new ModelReadyRequest { Name = "bc" }, cancellationToken: cancellation)).Ready);

        var typed = new ModelInferRequest { ModelName = "bc", Id = "typed" };
        var raw = new ModelInferRequest { ModelName = "bc", Id = "raw" };
        foreach (var column in rows.Columns)
        {
            var values = (float[])column.Values;
            typed.Inputs.Add(new ModelInferRequest.Types.InferInputTensor
            {
                Name = column.Name, Datatype = "FP32", Shape = { values.Length }, Contents = new InferTensorContents { Fp32Contents = { values } },
            });
            raw.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = column.Name, Datatype = "FP32", Shape = { values.Length } });
            raw.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())));
        }

        var typedReply = await grpc.ModelInferAsync(typed, cancellationToken: cancellation);
        var rawReply = await grpc.ModelInferAsync(raw, cancellationToken: cancellation);

        Assert.Equal(("bc", "typed"), (typedReply.ModelName, typedReply.Id));
        var probabilityIndex = typedReply.Outputs.ToList().FindIndex(o => o.Name == "Probability");
        var labelIndex = typedReply.Outputs.ToList().FindIndex(o => o.Name == "PredictedLabel");
        Assert.True(probabilityIndex >= 0 && labelIndex >= 0, $"{uri}: outputs {string.Join(", ", typedReply.Outputs.Select(o => o.Name))}");
        Assert.Equal(("FP32", "BOOL"), (typedReply.Outputs[probabilityIndex].Datatype, typedReply.Outputs[labelIndex].Datatype));
        Assert.Equal((float[])expected["Probability"].Values, typedReply.Outputs[probabilityIndex].Contents.Fp32Contents);
        Assert.Equal((bool[])expected["PredictedLabel"].Values, typedReply.Outputs[labelIndex].Contents.BoolContents);

        Assert.Equal("raw", rawReply.Id);
        var rawIndex = rawReply.Outputs.ToList().FindIndex(o => o.Name == "Probability");
        Assert.Equal((float[])expected["Probability"].Values, MemoryMarshal.Cast<byte, float>(rawReply.RawOutputContents[rawIndex].Span).ToArray());
        var rawLabelIndex = rawReply.Outputs.ToList().FindIndex(o => o.Name == "PredictedLabel");
        Assert.Equal((bool[])expected["PredictedLabel"].Values, rawReply.RawOutputContents[rawLabelIndex].Select(b => b == 1));
    }
}
