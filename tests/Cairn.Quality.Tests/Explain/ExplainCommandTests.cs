using System.Text.Json;
using Cairn.Client;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Training.Tests.Support;

namespace Cairn.Quality.Tests.Explain;

/// <summary>
/// <c>cairn explain</c> as a process: on models trained by <c>cairn train</c> against a real server (the synthetic credit
/// data and scikit-learn's breast-cancer data), loaded through registry URIs, with the report logged back to the run.
/// </summary>
public sealed class ExplainCommandTests(CairnServer server) : IClassFixture<CairnServer>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Dictionary<string, string> Tracking => new() { ["MLFLOW_TRACKING_URI"] = server.BaseAddress.ToString() };

    /// <summary>Trains an example spec (with its data path and trainer options replaced) and returns (run id, registered model name).</summary>
    private async Task<(string RunId, string Model)> TrainAsync(string example, Func<string, string> edit)
    {
        var folder = Directory.CreateTempSubdirectory("cairn-explain-job-").FullName;
        var spec = Path.Combine(folder, "job.yaml");
        await File.WriteAllTextAsync(spec, edit(await File.ReadAllTextAsync(Path.Combine(CairnProcess.RepositoryRoot, "examples", "training", example))));
        var name = Unique("explain");
        var (code, stdout, stderr) = await CairnProcess.RunAsync(Tracking, "train", "-f", spec, "--experiment", Unique("explain"), "--register-as", name, "--json");
        Assert.True(code == 0, $"cairn train exited {code}: {stderr}");
        return (JsonDocument.Parse(stdout).RootElement.GetProperty("run_id").GetString()!, name);
    }

    private static void AssertEfficient(JsonElement json)
    {
        double expected = json.GetProperty("expected_value").GetDouble();
        foreach (var row in json.GetProperty("rows").EnumerateArray())
        {
            double prediction = row.GetProperty("prediction").GetDouble();
            double sum = expected + row.GetProperty("shap").EnumerateObject().Sum(p => p.Value.GetDouble());
            Assert.True(Math.Abs(sum - prediction) <= 1e-6 * Math.Max(1, Math.Abs(prediction)), $"row {row.GetProperty("row_id")}: {sum} vs {prediction}");
        }
    }

    [Fact]
    public async Task Credit_FastTreeFromRegistry_StrongestFeaturesOnTop_ReportLoggedToRun()
    {
        var data = TrainedModels.WriteCredit(4000, 3);
        var (runId, model) = await TrainAsync("credit.yaml", yaml => yaml.Replace("path: credit.csv", $"path: {data}").Replace("number_of_trees: 200", "number_of_trees: 100"));
        var output = Directory.CreateTempSubdirectory("cairn-explain-out-").FullName;
        string json = Path.Combine(output, "credit.json"), html = Path.Combine(output, "credit.html");

        var (code, stdout, stderr) = await CairnProcess.RunAsync(Tracking, "explain", "-m", $"models:/{model}/1", "-i", data, "--rows", "400",
            "--json", json, "--html", html, "--run", runId);

        Assert.True(code == 0, $"cairn explain exited {code}: {stderr}");
        Assert.Contains("debt_to_income", stdout, StringComparison.Ordinal);
        var result = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement;
        Assert.Equal("tree", result.GetProperty("method").GetString());
        Assert.StartsWith("raw score", result.GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, result.GetProperty("rows").GetArrayLength());
        AssertEfficient(result);

        // docs/datasets/credit.md: debt-to-income (−1.2 per SD) and income (+1.0 per SD) drive approval; gender has no effect without bias.
        var ranking = result.GetProperty("global_importance").EnumerateArray().Select(e => (Feature: e.GetProperty("feature").GetString()!, Value: e.GetProperty("mean_abs_shap").GetDouble())).ToList();
        Assert.Equal(["debt_to_income", "income"], ranking.Take(2).Select(r => r.Feature).Order());
        Assert.True(ranking.Single(r => r.Feature == "gender").Value < 0.1 * ranking[0].Value);
        var permutation = result.GetProperty("permutation_importance");
        Assert.Equal("roc_auc", permutation.GetProperty("metric").GetString());
        Assert.Contains(permutation.GetProperty("features")[0].GetProperty("feature").GetString(), new[] { "debt_to_income", "income" });
        Assert.Equal(3, result.GetProperty("partial_dependence").GetArrayLength());

        var report = await File.ReadAllTextAsync(html);
        Assert.Contains("<title>Explanation of models:/", report, StringComparison.Ordinal);
        Assert.Equal(5, CountOf(report, "class=\"step\" data-feature=\"debt_to_income\""));
        Assert.Equal(400 * 9, CountOf(report, "class=\"dot\""));
        Assert.Equal(3, CountOf(report, "class=\"pdp-line\""));
        Assert.Contains("Permutation importance", report, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", report, StringComparison.Ordinal);

        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var run = await client.GetRunAsync(runId, TestContext.Current.CancellationToken);
        var files = (await client.ListArtifactsAsync(run.Info.ArtifactUri, "explanations", TestContext.Current.CancellationToken)).Select(f => f.Path).ToHashSet();
        Assert.Equal(new HashSet<string> { "explanations/credit.json", "explanations/credit.html" }, files);
    }

    [Fact]
    public async Task BreastCancer_LightGbm_SelectedRowsGetWaterfalls_TreeAndKernelBothAddUp()
    {
        var (_, model) = await TrainAsync("breast-cancer.yaml", yaml => yaml);
        var data = Path.Combine(Directory.CreateTempSubdirectory("cairn-explain-bc-").FullName, "bc.csv");
        var lines = (await File.ReadAllLinesAsync("/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv")).Skip(1);
        var header = "mean_radius,mean_texture,mean_perimeter,mean_area,mean_smoothness,mean_compactness,mean_concavity,mean_concave_points,mean_symmetry,"
            + "mean_fractal_dimension,radius_error,texture_error,perimeter_error,area_error,smoothness_error,compactness_error,concavity_error,"
            + "concave_points_error,symmetry_error,fractal_dimension_error,worst_radius,worst_texture,worst_perimeter,worst_area,worst_smoothness,"
            + "worst_compactness,worst_concavity,worst_concave_points,worst_symmetry,worst_fractal_dimension,benign";
        await File.WriteAllLinesAsync(data, [header, .. lines]);
        var output = Directory.CreateTempSubdirectory("cairn-explain-out-").FullName;

        var tree = await CairnProcess.RunAsync(Tracking, "explain", "-m", $"models:/{model}/latest", "-i", data,
            "--row-ids", "0,5,10", "--json", Path.Combine(output, "tree.json"), "--html", Path.Combine(output, "tree.html"));
        Assert.True(tree.ExitCode == 0, tree.Stderr);
        var treeJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "tree.json"))).RootElement;
        Assert.Equal("tree", treeJson.GetProperty("method").GetString());
        Assert.Equal([0, 5, 10], treeJson.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("row_id").GetInt32()));
        Assert.Equal(30, treeJson.GetProperty("features").GetArrayLength());
        AssertEfficient(treeJson);
        var html = await File.ReadAllTextAsync(Path.Combine(output, "tree.html"));
        Assert.Equal(3, CountOf(html, "class=\"expected\""));

        var kernel = await CairnProcess.RunAsync(Tracking, "explain", "-m", $"models:/{model}/1", "-i", data, "--method", "kernel", "--rows", "2",
            "--background", "10", "--json", Path.Combine(output, "kernel.json"));
        Assert.True(kernel.ExitCode == 0, kernel.Stderr);
        var kernelJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "kernel.json"))).RootElement;
        Assert.Equal("kernel", kernelJson.GetProperty("method").GetString());
        Assert.Equal("2108", kernelJson.GetProperty("facts").GetProperty("coalitions per row").GetString()![..4]);
        AssertEfficient(kernelJson);
    }

    [Fact]
    public async Task LinearModelFolder_AutoChoosesKernel()
    {
        var folder = await TrainedModels.BostonAsync("sdca", "{}");
        var json = Path.Combine(Directory.CreateTempSubdirectory("cairn-explain-out-").FullName, "sdca.json");
        var (code, _, stderr) = await CairnProcess.RunAsync("explain", "-m", folder, "-i", TrainedModels.Boston, "--rows", "3", "--json", json);

        // The Boston file's first line holds counts, not the header: a clear refusal, not a crash.
        Assert.Equal(2, code);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        var csv = Path.Combine(Path.GetDirectoryName(json)!, "boston.csv");
        await File.WriteAllLinesAsync(csv, (await File.ReadAllLinesAsync(TrainedModels.Boston)).Skip(1));
        (code, _, stderr) = await CairnProcess.RunAsync("explain", "-m", folder, "-i", csv, "--rows", "3", "--background", "25", "--json", json);
        Assert.True(code == 0, stderr);
        var result = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement;
        Assert.Equal("kernel", result.GetProperty("method").GetString());
        Assert.Equal(3, result.GetProperty("rows").GetArrayLength());
        AssertEfficient(result);
    }

    public static TheoryData<string[], string> BadInputs => new()
    {
        { ["-m", "/nonexistent/model", "-i", "{credit}"], "Cannot load the model" },
        { ["-m", "{model}", "-i", "/nonexistent/data.csv"], "does not exist" },
        { ["-m", "{model}", "-i", "{credit}", "--method", "magic"], "--method must be auto, tree or kernel" },
        { ["-m", "{model}", "-i", "{credit}", "--row-ids", "5,99999"], "--row-ids: '99999' is not a row" },
        { ["-m", "{model}", "-i", "{credit}", "--rows", "0"], "--rows must be at least 1" },
        { ["-m", "{model}", "-i", "{credit}", "--rows", "3", "--row-ids", "1"], "not both" },
        { ["-m", "{model}", "-i", "{boston}"], "lacks model input column(s) age" },
        { ["-m", "{linear}", "-i", "{boston}", "--method", "tree"], "not a tree ensemble" },
        { ["-m", "{model}", "-i", "{credit}", "--label", "nope"], "no column 'nope'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_ExitsWithCode2AndOneLine(string[] args, string message)
    {
        var model = await TrainedModels.CreditAsync("fasttree", "{number_of_trees: 60, number_of_leaves: 16}");
        var linear = await TrainedModels.BostonAsync("sdca", "{}");
        var boston = Path.Combine(Directory.CreateTempSubdirectory("cairn-explain-bad-").FullName, "boston.csv");
        await File.WriteAllLinesAsync(boston, (await File.ReadAllLinesAsync(TrainedModels.Boston)).Skip(1));
        var resolved = args.Select(a => a.Replace("{model}", model).Replace("{linear}", linear).Replace("{credit}", TrainedModels.CreditCsvPath).Replace("{boston}", boston)).ToArray();

        var (code, stdout, stderr) = await CairnProcess.RunAsync(["explain", .. resolved]);

        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
