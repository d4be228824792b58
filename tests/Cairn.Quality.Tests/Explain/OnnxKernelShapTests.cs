using Cairn.Models.Data;
using Cairn.Models.Package;
using Cairn.Quality.Explain;
using Cairn.Sdk.Tests.Models;

namespace Cairn.Quality.Tests.Explain;

/// <summary>Kernel SHAP through a real ONNX Runtime session: a linear ONNX model's SHAP values are w·(x − E_B[x]).</summary>
public sealed class OnnxKernelShapTests
{
    [Fact]
    public async Task LinearOnnxModel_KernelShapEqualsWeightTimesDistanceFromBackgroundMean()
    {
        float[,] weights = { { 1f, -1f }, { 2f, 0.5f }, { -3f, 2.5f } };
        var folder = Directory.CreateTempSubdirectory("cairn-explain-onnx-").FullName;
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.onnx"), OnnxModelBuilder.Linear("float_input", "variable", weights, [0.25f, -0.5f]));
        await File.WriteAllTextAsync(Path.Combine(folder, "MLmodel"), """
            flavors:
              onnx:
                data: model.onnx
            signature:
              inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}, "name": "float_input"}]'
              outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}, "name": "variable"}]'
            """);
        using var model = await ModelPackage.LoadAsync(folder);
        var random = new Random(4);
        float[] Column() => Enumerable.Range(0, 40).Select(_ => (float)Math.Round(random.NextDouble() * 8 - 4, 2)).ToArray();
        var data = new Frame([Cairn.Models.Data.Column.Of("a", Column()), Cairn.Models.Data.Column.Of("b", Column()), Cairn.Models.Data.Column.Of("c", Column())]);

        var explanation = ModelExplainer.Explain(model, data, null, [0, 1, 2, 3], new ExplainOptions { Background = 40, DependenceFeatures = 2, GridResolution = 5 },
            TestContext.Current.CancellationToken);

        Assert.Equal("kernel", explanation.Method);
        Assert.Contains("second entry of 'variable'", explanation.Output, StringComparison.Ordinal);
        var means = data.Columns.Select(c => ((float[])c.Values).Average(v => (double)v)).ToArray();
        for (int r = 0; r < 4; r++)
        {
            var expected = Enumerable.Range(0, 3).Select(j => weights[j, 1] * (((float[])data.Columns[j].Values)[r] - means[j])).ToArray();
            ReferenceVectorTests.AssertClose(expected, explanation.Shap[r], 1e-4);
        }

        Assert.Equal("c", explanation.Dependence[0].Feature);
        Assert.Equal(2, explanation.Dependence.Count);
        var pdp = explanation.Dependence[0];
        double slope = (pdp.Average[^1] - pdp.Average[0]) / ((double)pdp.Grid[^1] - (double)pdp.Grid[0]);
        Assert.Equal(2.5, slope, 4);
    }
}
