using System.Globalization;
using System.Text.Json;
using Cairn.Client;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Training.Datasets;
using Cairn.Training.Tests.Support;

namespace Cairn.Quality.Tests.Bias;

/// <summary>
/// A credit model trained by <c>cairn train</c> against a real server, then measured by <c>cairn bias</c> on fresh applicants:
/// with the generator's injected bias against one gender the model inherits it; trained on clean data it does not.
/// </summary>
public sealed class BiasOfTrainedModelTests(CairnServer server) : IClassFixture<CairnServer>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cairn-bias-model").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Dictionary<string, string> Tracking => new() { ["MLFLOW_TRACKING_URI"] = server.BaseAddress.ToString() };

    private string WriteCredit(string name, int rows, int seed, double bias)
    {
        var path = Path.Combine(_folder, name);
        using var writer = new StreamWriter(path);
        CreditCsv.Write(CreditApplicants.Generate(new CreditApplicantOptions { Rows = rows, Seed = seed, Bias = bias }), writer);
        return path;
    }

    /// <summary>Trains the credit job (as examples/training/credit.yaml, with fewer trees) and returns its run and registered model.</summary>
    private async Task<(string RunId, string Model)> TrainAsync(double bias)
    {
        var tag = $"{(bias > 0 ? "biased" : "clean")}-{Guid.NewGuid():N}"[..16];
        WriteCredit($"train-{tag}.csv", 6000, 21, bias);
        var spec = Path.Combine(_folder, $"credit-{tag}.yaml");
        await File.WriteAllTextAsync(spec, $$$"""
            experiment: bias-{{{tag}}}
            task: binary
            data:
              path: train-{{{tag}}}.csv
              label: approved
              features: [age, income, debt_to_income, credit_history_years, num_late_payments, employment_years, loan_amount,
                         {name: home_ownership, type: categorical}, {name: gender, type: categorical}]
            split: {validation_fraction: 0.2, seed: 1}
            trainer: {name: fasttree, hyperparameters: {number_of_trees: 60}}
            feature_importance: false
            register_as: credit-{{{tag}}}
            """, TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await CairnProcess.RunAsync(Tracking, "train", "-f", spec, "--json");
        Assert.True(code == 0, $"cairn train exited {code}: {stderr}");
        var result = JsonDocument.Parse(stdout).RootElement;
        return (result.GetProperty("run_id").GetString()!, $"models:/credit-{tag}/1");
    }

    private async Task<JsonElement> BiasAsync(string model, string data, params string[] extra)
    {
        var json = Path.Combine(_folder, $"bias-{Guid.NewGuid():N}.json");
        var (code, _, stderr) = await CairnProcess.RunAsync(Tracking, ["bias", "-m", model, "-i", data, "--facet", "gender", "--facet-value", "female",
            "--label", "approved", "--json", json, .. extra]);
        Assert.True(code == 0, $"cairn bias exited {code}: {stderr}");
        var report = JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken)).RootElement;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", report.GetProperty("pre_training").EnumerateArray().Concat(report.GetProperty("post_training").EnumerateArray())
            .Select(m => $"{m.GetProperty("code").GetString()} {m.GetProperty("value")}")));
        return report;
    }

    private static double Value(JsonElement report, string section, string code) =>
        report.GetProperty(section).EnumerateArray().Single(m => m.GetProperty("code").GetString() == code).GetProperty("value").GetDouble();

    [Fact]
    public async Task ModelTrainedOnBiasedLabels_FailsTheFourFifthsRule_AndTheReportIsLoggedToItsRun()
    {
        var (runId, model) = await TrainAsync(bias: 1);
        var fresh = WriteCredit("fresh-biased.csv", 4000, 99, bias: 1);

        var report = await BiasAsync(model, fresh, "--run", runId, "--group", "home_ownership");

        double di = Value(report, "post_training", "DI"), dppl = Value(report, "post_training", "DPPL");
        Assert.True(di < 0.6, $"DI {di}");
        Assert.True(dppl > 0.2, $"DPPL {dppl}");
        Assert.True(Value(report, "group_fairness", "DPD") > 0.2);
        Assert.True(Value(report, "post_training", "CDDPL") > 0.1, $"CDDPL {Value(report, "post_training", "CDDPL")}");
        // The flip test learns from the men's numeric features; women the model rejects would mostly be accepted as men.
        Assert.True(Value(report, "post_training", "FT") < -0.1, $"FT {Value(report, "post_training", "FT")}");
        var notes = report.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains("FT compares each d row with its nearest a rows by age, income, debt_to_income, credit_history_years, num_late_payments, employment_years, loan_amount.", notes);
        var flagged = report.GetProperty("flagged").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("DI", flagged);
        Assert.Contains("DPPL", flagged);
        Assert.Equal(model, report.GetProperty("model").GetString());
        Assert.Equal(["female", "male"], report.GetProperty("metric_frame").GetProperty("groups").EnumerateArray().Select(g => g.GetString()));

        // The model's probabilities cut at 0.5 tell the same story as its predicted labels.
        var scored = await BiasAsync(model, fresh, "--probability-threshold", "0.5");
        Assert.True(Value(scored, "post_training", "DI") < 0.6, $"DI from probabilities {Value(scored, "post_training", "DI")}");
        Assert.Equal(0.5, scored.GetProperty("probability_threshold").GetDouble());

        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var run = await client.GetRunAsync(runId, TestContext.Current.CancellationToken);
        var files = (await client.ListArtifactsAsync(run.Info.ArtifactUri, "bias", TestContext.Current.CancellationToken)).Select(f => f.Path).ToList();
        Assert.Equal(["bias/bias.html", "bias/bias.json"], files.Order(StringComparer.Ordinal));
        await using var logged = await client.OpenArtifactAsync(run.Info.ArtifactUri, "bias/bias.json", TestContext.Current.CancellationToken);
        var loggedReport = (await JsonDocument.ParseAsync(logged, cancellationToken: TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(di, Value(loggedReport, "post_training", "DI"));
        await using var page = await client.OpenArtifactAsync(run.Info.ArtifactUri, "bias/bias.html", TestContext.Current.CancellationToken);
        var html = await new StreamReader(page).ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains(BiasReportFormat(di), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelTrainedOnCleanLabels_ShowsNoBias()
    {
        var (_, model) = await TrainAsync(bias: 0);
        var fresh = WriteCredit("fresh-clean.csv", 4000, 99, bias: 0);

        var report = await BiasAsync(model, fresh);

        double di = Value(report, "post_training", "DI"), dppl = Value(report, "post_training", "DPPL");
        Assert.True(di is > 0.85 and < 1.18, $"DI {di}");
        Assert.True(Math.Abs(dppl) < 0.06, $"DPPL {dppl}");
        Assert.True(Math.Abs(Value(report, "pre_training", "DPL")) < 0.05);
        Assert.Empty(report.GetProperty("flagged").EnumerateArray());
    }

    [Fact]
    public async Task UnknownRun_ExitsWithAClearMessage()
    {
        var csv = WriteCredit("few.csv", 200, 3, bias: 0);

        var (code, _, stderr) = await CairnProcess.RunAsync(Tracking, "bias", "-i", csv, "--facet", "gender", "--facet-value", "female", "--label", "approved",
            "--run", "0123456789abcdef0123456789abcdef");

        Assert.Equal(2, code);
        Assert.Contains("--run: cannot log the report to run '0123456789abcdef0123456789abcdef'", stderr, StringComparison.Ordinal);
    }

    private static string BiasReportFormat(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
