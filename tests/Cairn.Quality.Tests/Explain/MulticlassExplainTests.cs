using System.Text.Json;
using Cairn.Models.Data;
using Cairn.Quality.Explain;
using Cairn.Training.Tests.Support;

namespace Cairn.Quality.Tests.Explain;

/// <summary>
/// Multiclass models are explained one class at a time (<c>--class</c>): the class's entry of the per-class score. The
/// classes' probabilities sum to 1, so by linearity of Shapley values their SHAP values sum to 0 for every feature.
/// </summary>
public sealed class MulticlassExplainTests
{
    private static readonly string[] Classes = ["mortgage", "own", "rent"];

    [Fact]
    public async Task EachClassIsExplainedOnItsOwnScore_AndTheClassesShapValuesSumToZero()
    {
        var (model, inputs, label) = await TrainedModels.LoadAsync(TrainedModels.HomeOwnershipAsync("lbfgs", "{}"));
        using var _ = model;
        int[] rows = [0, 1, 2, 3];
        var options = new ExplainOptions { Method = ExplainMethod.Kernel, Background = 40, DependenceFeatures = 1, DependenceRows = 10 };
        var explanations = Classes.Select(c => ModelExplainer.Explain(model, inputs, label, rows, options with { Class = c }, TestContext.Current.CancellationToken)).ToList();

        var scores = model.Predict(FrameRows.Select(inputs, rows));
        var predicted = scores.Find("PredictedLabel")!;
        var score = scores.Find("Score")!;
        for (int c = 0; c < Classes.Length; c++)
        {
            var explanation = explanations[c];
            Assert.Contains($"(class '{Classes[c]}')", explanation.Output, StringComparison.Ordinal);
            int index = int.Parse(explanation.Output.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            for (int r = 0; r < rows.Length; r++)
            {
                Assert.Equal(Convert.ToDouble(((Array)score.Values.GetValue(r)!).GetValue(index), System.Globalization.CultureInfo.InvariantCulture), explanation.Predictions[r], 6);
                Assert.Equal(explanation.Predictions[r] - explanation.ExpectedValue, explanation.Shap[r].Sum(), 6);
            }
        }

        // Probabilities of the three classes sum to 1 on every row, background ones included: E[f] sums to 1, SHAP to 0.
        Assert.Equal(1, explanations.Sum(e => e.ExpectedValue), 5);
        for (int r = 0; r < rows.Length; r++)
        {
            for (int j = 0; j < inputs.Columns.Count; j++)
            {
                Assert.Equal(0, explanations.Sum(e => e.Shap[r][j]), 5);
            }

            // The predicted class is the one with the largest score.
            var best = explanations.MaxBy(e => e.Predictions[r])!;
            Assert.Contains($"'{predicted.Values.GetValue(r)}'", best.Output, StringComparison.Ordinal);
        }

        var error = Assert.Throws<ArgumentException>(() => ModelExplainer.Explain(model, inputs, label, rows, options, TestContext.Current.CancellationToken));
        Assert.Contains("--class", error.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => ModelExplainer.Explain(model, inputs, label, rows, options with { Class = "rent", Method = ExplainMethod.Tree },
            TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Cli_ClassByLabelOrPosition_AndAMulticlassModelWithoutClassIsRefused()
    {
        var model = await TrainedModels.HomeOwnershipAsync("lbfgs", "{}");
        var folder = Directory.CreateTempSubdirectory("cairn-explain-multiclass").FullName;
        var json = Path.Combine(folder, "rent.json");

        var rent = await CairnProcess.RunAsync("explain", "-m", model, "-i", TrainedModels.CreditCsvPath, "--class", "rent", "--rows", "3", "--background", "30", "--json", json);
        Assert.True(rent.ExitCode == 0, rent.Stderr);
        var report = JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken)).RootElement;
        var output = report.GetProperty("output").GetString()!;
        Assert.Contains("(class 'rent')", output, StringComparison.Ordinal);
        Assert.Equal("kernel", report.GetProperty("method").GetString());
        Assert.True(report.TryGetProperty("permutation_importance", out _)); // the label home_ownership is in the input

        var position = output.Split(' ')[1];
        var byIndex = await CairnProcess.RunAsync("explain", "-m", model, "-i", TrainedModels.CreditCsvPath, "--class", position, "--rows", "3", "--background", "30",
            "--json", Path.Combine(folder, "index.json"));
        Assert.True(byIndex.ExitCode == 0, byIndex.Stderr);
        var again = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "index.json"), TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(report.GetProperty("expected_value").GetDouble(), again.GetProperty("expected_value").GetDouble());

        var missing = await CairnProcess.RunAsync("explain", "-m", model, "-i", TrainedModels.CreditCsvPath, "--rows", "3");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("choose the class to explain with --class", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("rent (", missing.Stderr, StringComparison.Ordinal);
        var unknown = await CairnProcess.RunAsync("explain", "-m", model, "-i", TrainedModels.CreditCsvPath, "--class", "castle", "--rows", "3");
        Assert.Equal((2, true), (unknown.ExitCode, unknown.Stderr.Contains("no such class", StringComparison.Ordinal)));
    }
}
