using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cairn.Quality.Tests.Explain;
using Cairn.Training.Tests.Support;

namespace Cairn.Quality.Tests;

/// <summary>
/// Issue 11, "must show": the three reports, run as the <c>cairn</c> commands a user types, on the synthetic credit data
/// written by <c>cairn datasets synth credit</c> with injected drift and bias. The injected effects are found, data
/// without them flags nothing, and every HTML page is self-contained with SVG plots. The pages are kept under the test
/// output folder (printed in the log) so a CI run can publish them.
/// </summary>
public sealed partial class CreditReportsTests
{
    private static readonly string Output = Path.Combine(AppContext.BaseDirectory, "quality-reports");
    private readonly string _data = Directory.CreateTempSubdirectory("cairn-credit-reports").FullName;

    private string Data(string name) => Path.Combine(_data, name);

    private static string Report(string name) => Path.Combine(Output, name);

    private static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static async Task<string> CairnAsync(params string[] args)
    {
        var (code, stdout, stderr) = await CairnProcess.RunAsync(args);
        Assert.True(code == 0, $"cairn {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }

    private async Task<string> SynthAsync(string name, int rows, int seed, double drift = 0, double bias = 0)
    {
        await CairnAsync("datasets", "synth", "credit", "--rows", rows.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--drift", drift.ToString(CultureInfo.InvariantCulture), "--bias", bias.ToString(CultureInfo.InvariantCulture), "-o", Data(name));
        return Data(name);
    }

    /// <summary>One page, nothing fetched: no external address, script, stylesheet or image link; plots as inline SVG.</summary>
    private static async Task<string> AssertSelfContainedAsync(string path, int minimumPlots)
    {
        var html = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        var addresses = ExternalAddress().Matches(html).Select(m => m.Value).Where(a => !a.StartsWith("http://www.w3.org/", StringComparison.Ordinal)).ToList();
        Assert.True(addresses.Count == 0, $"{path} refers to {string.Join(", ", addresses.Distinct())}");
        Assert.DoesNotMatch(@"<script[^>]*\ssrc=|<link\b|<img\b|<iframe\b|@import|url\(", html);
        int plots = Regex.Matches(html, "<svg[ >]").Count;
        Assert.True(plots >= minimumPlots, $"{path}: {plots} SVG plots, expected at least {minimumPlots}");
        Assert.Matches("<(rect|circle|path|polyline|line)[ >]", html);
        return html;
    }

    [GeneratedRegex(@"(https?:)?//[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}[^""'\s<>]*")]
    private static partial Regex ExternalAddress();

    [Fact]
    public async Task Issue11_DriftBiasAndExplainReports_FindTheInjectedEffects_AndNothingOnCleanData()
    {
        Directory.CreateDirectory(Output);
        TestContext.Current.TestOutputHelper?.WriteLine($"HTML and JSON reports: {Output}");

        // Drift: income down and debt-to-income up by 1 SD; another seed without drift is the clean comparison.
        var train = await SynthAsync("train.csv", 5000, seed: 1);
        var drifted = await SynthAsync("drifted.csv", 5000, seed: 2, drift: 1);
        var steady = await SynthAsync("steady.csv", 5000, seed: 3);
        await CairnAsync("baseline", "create", "-i", train, "--label", "approved", "-o", Report("baseline.json"));
        await CairnAsync("drift", "-b", Report("baseline.json"), "-c", drifted, "--json", Report("drift-injected.json"), "--html", Report("drift-injected.html"));
        await CairnAsync("drift", "-b", Report("baseline.json"), "-c", steady, "--json", Report("drift-clean.json"), "--html", Report("drift-clean.html"));

        static List<string> DriftedColumns(JsonElement report) =>
            [.. report.GetProperty("columns").EnumerateArray().Where(c => c.GetProperty("drifted").GetBoolean()).Select(c => c.GetProperty("column").GetString()!).Order(StringComparer.Ordinal)];
        Assert.Equal(["debt_to_income", "income", "loan_amount"], DriftedColumns(Json(Report("drift-injected.json"))));
        Assert.Empty(DriftedColumns(Json(Report("drift-clean.json"))));
        Assert.False(Json(Report("drift-clean.json")).GetProperty("label").GetProperty("drifted").GetBoolean());
        var driftHtml = await AssertSelfContainedAsync(Report("drift-injected.html"), minimumPlots: 10);
        Assert.Contains("<tr class=\"flagged\"><td>income</td>", driftHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"flagged\"", await AssertSelfContainedAsync(Report("drift-clean.html"), minimumPlots: 10), StringComparison.Ordinal);

        // Bias: a model trained on labels biased against women, measured on fresh applicants from the same biased world;
        // a model trained on unbiased labels, on fresh unbiased applicants.
        var biasedModel = await TrainedModels.CreditAsync("fasttree", "{number_of_trees: 60, number_of_leaves: 16}", biased: true);
        var cleanModel = await TrainedModels.CreditAsync("fasttree", "{number_of_trees: 60, number_of_leaves: 16}");
        var biasedApplicants = await SynthAsync("applicants-biased.csv", 4000, seed: 41, bias: 1);
        var cleanApplicants = await SynthAsync("applicants-clean.csv", 4000, seed: 42);
        string[] facet = ["--facet", "gender", "--facet-value", "female", "--label", "approved", "--group", "home_ownership"];
        await CairnAsync(["bias", "-m", biasedModel, "-i", biasedApplicants, .. facet, "--json", Report("bias-injected.json"), "--html", Report("bias-injected.html")]);
        await CairnAsync(["bias", "-m", cleanModel, "-i", cleanApplicants, .. facet, "--json", Report("bias-clean.json"), "--html", Report("bias-clean.html")]);

        static double Metric(JsonElement report, string code) => report.GetProperty("pre_training").EnumerateArray().Concat(report.GetProperty("post_training").EnumerateArray())
            .Concat(report.GetProperty("group_fairness").EnumerateArray()).Single(m => m.GetProperty("code").GetString() == code).GetProperty("value").GetDouble();
        static List<string?> Flagged(JsonElement report) => [.. report.GetProperty("flagged").EnumerateArray().Select(f => f.GetString())];
        var biased = Json(Report("bias-injected.json"));
        Assert.True(Metric(biased, "DI") < 0.8, $"DI {Metric(biased, "DI")}");
        Assert.True(Metric(biased, "DPL") > 0.1, $"DPL {Metric(biased, "DPL")}");
        Assert.Contains("DI", Flagged(biased));
        Assert.Contains("DPPL", Flagged(biased));
        Assert.Contains("DPD", Flagged(biased));
        var clean = Json(Report("bias-clean.json"));
        Assert.InRange(Metric(clean, "DI"), 0.8, 1.25);
        Assert.True(Flagged(clean).Count == 0, "flagged on clean data: " + string.Join(", ", Flagged(clean)));
        await AssertSelfContainedAsync(Report("bias-injected.html"), minimumPlots: 2);
        await AssertSelfContainedAsync(Report("bias-clean.html"), minimumPlots: 2);

        // Explanations: with the injected bias gender is among the three strongest drivers and pushes women's scores down;
        // without it gender carries almost nothing.
        await CairnAsync("explain", "-m", biasedModel, "-i", biasedApplicants, "--rows", "400", "--json", Report("explain-injected.json"),
            "--html", Report("explain-injected.html"));
        await CairnAsync("explain", "-m", cleanModel, "-i", cleanApplicants, "--rows", "400", "--json", Report("explain-clean.json"), "--html", Report("explain-clean.html"));

        static List<(string Feature, double Value)> Importance(JsonElement report) =>
            [.. report.GetProperty("global_importance").EnumerateArray().Select(i => (i.GetProperty("feature").GetString()!, i.GetProperty("mean_abs_shap").GetDouble()))];
        var explained = Json(Report("explain-injected.json"));
        Assert.Contains("gender", Importance(explained).Take(3).Select(i => i.Feature));
        var women = explained.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("values").GetProperty("gender").GetString() == "female")
            .Select(r => r.GetProperty("shap").GetProperty("gender").GetDouble()).ToList();
        Assert.True(women.Count > 50 && women.Average() < 0, $"{women.Count} women, mean gender SHAP {women.DefaultIfEmpty().Average()}");
        var cleanImportance = Importance(Json(Report("explain-clean.json")));
        Assert.True(cleanImportance.Single(i => i.Feature == "gender").Value < 0.1 * cleanImportance[0].Value, string.Join(", ", cleanImportance));
        var explainHtml = await AssertSelfContainedAsync(Report("explain-injected.html"), minimumPlots: 4);
        Assert.Contains("data-shap", explainHtml, StringComparison.Ordinal);
        await AssertSelfContainedAsync(Report("explain-clean.html"), minimumPlots: 4);
    }
}
