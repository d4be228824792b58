using Cairn.Client;
using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.Onnx;
using Cairn.Models.Package;
using Cairn.Models.Sdk;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Sdk.Tests.Models;

/// <summary>ONNX models through the package, the registry and ONNX Runtime, including one laid out as Python MLflow writes it.</summary>
public sealed class OnnxModelTests(CairnServer server) : IClassFixture<CairnServer>, IDisposable
{
    private static readonly float[,] Weights = { { 1f, -1f }, { 2f, 0.5f }, { -3f, 0f } };
    private static readonly float[] Bias = [0.25f, -0.5f];
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-onnx").FullName;

    public void Dispose() => Directory.Delete(_work, true);

    private string WriteModel()
    {
        var path = Path.Combine(_work, "linear.onnx");
        File.WriteAllBytes(path, OnnxModelBuilder.Linear("float_input", "variable", Weights, Bias));
        return path;
    }

    private static float[] Expected(float[] x, int rows)
    {
        var y = new float[rows * 2];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < 2; o++)
            {
                var sum = 0f;
                for (var i = 0; i < 3; i++)
                {
                    sum += x[(r * 3) + i] * Weights[i, o];
                }

                y[(r * 2) + o] = sum + Bias[o];
            }
        }

        return y;
    }

    [Fact]
    public async Task LogRegisterAndLoadByAlias_GivesTheModelsOutputs()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var name = "onnx-" + Guid.NewGuid().ToString("N")[..8];
        LoggedModelInfo logged;
        await using (var run = await client.StartRunAsync("sdk-onnx"))
        {
            logged = await run.LogOnnxModelAsync(WriteModel(), inputExample: [Tensor.Of("float_input", new float[] { 1, 2, 3 }, 1, 3)], registeredModelName: name);
        }

        await client.SetAliasAsync(name, "champion", logged.RegisteredVersion!);
        using var model = await client.LoadModelAsync($"models:/{name}@champion");
        Assert.Equal(OnnxFlavor.Name, model.Flavor);
        // No signature was given: it is read from the model's own inputs and outputs.
        var input = Assert.Single(model.Signature.Inputs.Tensors);
        Assert.Equal(("float_input", "float32"), (input.Name, input.Dtype));
        Assert.Equal([-1L, 3L], input.Shape);

        var x = Enumerable.Range(0, 12).Select(i => (float)(i - 5) / 3).ToArray();
        var output = Assert.Single(model.Predict([Tensor.Of("float_input", x, 4, 3)]));
        Assert.Equal("variable", output.Name);
        Assert.Equal([4L, 2L], output.Shape);
        Assert.Equal(Expected(x, 4), (float[])output.Data);

        // Columns work too: three scalar columns fill the one [-1, 3] input side by side.
        var frame = new Frame([Column.Of("a", new[] { 1.0, 0 }), Column.Of("b", new[] { 0.0, 1 }), Column.Of("c", new[] { 0.0, 0 })]);
        var rows = (float[][])model.Predict(frame)["variable"].Values;
        Assert.Equal([1.25f, -1.5f], rows[0]);
        Assert.Equal([2.25f, 0f], rows[1]);

        var example = await File.ReadAllTextAsync(Path.Combine(model.Directory, InputExample.FileName));
        Assert.Equal("""{"inputs":{"float_input":[[1,2,3]]}}""", example);
        Assert.Equal("mlflow.onnx", model.Metadata.Flavors["python_function"]["loader_module"]);
    }

    [Fact]
    public async Task AModelLaidOutAsPythonMlflowWritesIt_LoadsUnchanged()
    {
        // The files `mlflow.onnx.log_model` writes in a 2.x run: MLmodel, model.onnx and the Python environment files.
        var package = OnnxPackages.WritePythonLayout(_work, "python-model", Weights, Bias);

        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var name = "py-onnx-" + Guid.NewGuid().ToString("N")[..8];
        var run = await client.CreateRunAsync(await client.GetOrCreateExperimentAsync("sdk-onnx"));
        await client.UploadDirectoryAsync(run.Info.ArtifactUri, package, "model");
        await client.EnsureRegisteredModelAsync(name);
        await client.CreateModelVersionAsync(name, $"runs:/{run.Info.RunId}/model", run.Info.RunId);

        foreach (var uri in new[] { $"models:/{name}/1", $"runs:/{run.Info.RunId}/model" })
        {
            using var model = await client.LoadModelAsync(uri);
            Assert.Equal("0c6f4d1c9a8b4d7e8f00112233445566", model.Metadata.ModelUuid);
            var x = new float[] { 1, 2, 3, -1, 0, 1 };
            Assert.Equal(Expected(x, 2), (float[])Assert.Single(model.Predict([Tensor.Of("float_input", x, 2, 3)])).Data);
        }
    }

    [Fact]
    public async Task WrongShape_IsAClearError()
    {
        var package = Directory.CreateDirectory(Path.Combine(_work, "local")).FullName;
        var flavors = OnnxFlavor.Save(WriteModel(), package);
        await ModelPackage.CompleteAsync(package, flavors, new ModelPackage.Details(null), TimeProvider.System);
        using var model = await ModelPackage.LoadAsync(package);
        var error = Assert.Throws<FormatException>(() => model.Predict([Tensor.Of("float_input", new float[4], 1, 4)]));
        Assert.Contains("needs shape [-1, 3], got [1, 4]", error.Message);
    }

    private async Task<LoadedModel> LoadLocalAsync(string folder, byte[] onnx)
    {
        var path = Path.Combine(_work, folder + ".onnx");
        File.WriteAllBytes(path, onnx);
        var package = Directory.CreateDirectory(Path.Combine(_work, folder)).FullName;
        var flavors = OnnxFlavor.Save(path, package);
        await ModelPackage.CompleteAsync(package, flavors, new ModelPackage.Details(null), TimeProvider.System);
        return await ModelPackage.LoadAsync(package);
    }

    [Fact]
    public async Task NonTensorOutputs_AreLeftOut_AndTheTensorOutputsStillComeBack()
    {
        using var model = await LoadLocalAsync("with-sequence", OnnxModelBuilder.Linear("float_input", "variable", Weights, Bias, sequenceOutput: "as_sequence"));
        float[] x = [1, 2, 3, -1, 0, 0.5f];

        var output = Assert.Single(model.Predict([Tensor.Of("float_input", x, 2, 3)]));

        Assert.Equal("variable", output.Name);
        Assert.Equal([2L, 2L], output.Shape);
        Assert.Equal(Expected(x, 2), (float[])output.Data);
        Assert.DoesNotContain(model.Signature.Outputs!.Tensors, t => t.Name == "as_sequence");
    }

    [Fact]
    public async Task StringTensors_GoInAndComeBack()
    {
        using var model = await LoadLocalAsync("strings", OnnxModelBuilder.StringIdentity("words", "same"));
        string[] words = ["alpha", "", "gamma δ"];

        var output = Assert.Single(model.Predict([new Tensor("words", "str", [3, 1], words)]));

        Assert.Equal("same", output.Name);
        Assert.Equal("str", output.Dtype);
        Assert.Equal([3L, 1L], output.Shape);
        Assert.Equal(words, (string[])output.Data);
    }
}
