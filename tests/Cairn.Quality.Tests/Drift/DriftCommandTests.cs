using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cairn.Client;
using Cairn.Contracts.Mlflow;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Training.Tests.Support;

namespace Cairn.Quality.Tests.Drift;

/// <summary>
/// <c>cairn baseline create</c> and <c>cairn drift</c> run as real processes: outputs, verdicts, exit codes, and artifact
/// logging against a real server.
/// </summary>
public sealed class DriftCommandTests(CairnServer server) : IClassFixture<CairnServer>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cairn-drift-cli").FullName;

    private static Task<(int ExitCode, string Stdout, string Stderr)> Cairn(params string[] args) => CairnProcess.RunAsync(args);

    private string File(string name) => Path.Combine(_folder, name);

    private (string Train, string Drifted, string Clean) CreditFiles() =>
        (CreditDriftTests.WriteCredit(_folder, "train.csv", 3000, seed: 1),
         CreditDriftTests.WriteCredit(_folder, "drifted.csv", 3000, seed: 2, drift: 1.5),
         CreditDriftTests.WriteCredit(_folder, "clean.csv", 3000, seed: 3));

    private static JsonElement Json(string path) => JsonDocument.Parse(System.IO.File.ReadAllText(path)).RootElement;

    private static HashSet<string> Drifted(JsonElement report) =>
        report.GetProperty("columns").EnumerateArray().Where(c => c.GetProperty("drifted").GetBoolean()).Select(c => c.GetProperty("column").GetString()!).ToHashSet();

    [Fact]
    public async Task BaselineThenDrift_WritesJsonAndHtml_FlagsTheDriftedColumns_ExitsZero()
    {
        var (train, drifted, clean) = CreditFiles();
        var create = await Cairn("baseline", "create", "-i", train, "--label", "approved", "-o", File("baseline.json"));
        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.Contains("income", create.Stdout, StringComparison.Ordinal);
        var baseline = Json(File("baseline.json"));
        Assert.Equal("cairn.baseline", baseline.GetProperty("format").GetString());
        Assert.Equal(1, baseline.GetProperty("schema_version").GetInt32());
        Assert.Equal("approved", baseline.GetProperty("label").GetString());
        var income = baseline.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "income");
        Assert.Equal("numeric", income.GetProperty("type").GetString());
        Assert.True(income.GetProperty("bins").GetProperty("edges").GetArrayLength() > 10);

        var run = await Cairn("drift", "--baseline", File("baseline.json"), "--current", drifted, "--json", File("drift.json"), "--html", File("drift.html"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("wasserstein", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("No dataset drift: 3 of 9 columns drifted", run.Stderr, StringComparison.Ordinal);
        var report = Json(File("drift.json"));
        Assert.Equal(["debt_to_income", "income", "loan_amount"], Drifted(report).Order(StringComparer.Ordinal));
        Assert.True(report.GetProperty("label").GetProperty("drifted").GetBoolean());
        var column = report.GetProperty("columns").EnumerateArray().First();
        foreach (var field in new[] { "method", "statistic", "threshold", "p_value", "drifted", "rule", "histogram" })
        {
            Assert.True(column.TryGetProperty(field, out _) || field == "p_value", field);
        }

        var html = await System.IO.File.ReadAllTextAsync(File("drift.html"), TestContext.Current.CancellationToken);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal(10, html.Split("<svg").Length - 1); // nine features and the label
        Assert.Contains("class=\"frozen-edge\"", html, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"flagged\"><td>income</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""), StringComparison.Ordinal);

        // Drift found is still exit 0; --fail-on-drift makes it 3 when the dataset drifted, and leaves clean data at 0.
        Assert.Equal(3, (await Cairn("drift", "-b", File("baseline.json"), "-c", drifted, "--fail-on-drift", "--drift-share", "0.3", "-q")).ExitCode);
        Assert.Equal(0, (await Cairn("drift", "-b", File("baseline.json"), "-c", drifted, "--fail-on-drift", "-q")).ExitCode);
        var cleanRun = await Cairn("drift", "-b", File("baseline.json"), "-c", clean, "--fail-on-drift", "--drift-share", "0.1", "--json", File("clean.json"));
        Assert.True(cleanRun.ExitCode == 0, cleanRun.Stderr);
        Assert.Empty(Drifted(Json(File("clean.json"))));
    }

    [Fact]
    public async Task TrainingDataAsBaseline_GivesTheSameVerdictsAsAStoredBaseline()
    {
        var (train, drifted, _) = CreditFiles();
        Assert.Equal(0, (await Cairn("baseline", "create", "-i", train, "-o", File("b.json"))).ExitCode);
        Assert.Equal(0, (await Cairn("drift", "-b", File("b.json"), "-c", drifted, "--json", File("stored.json"), "-q")).ExitCode);
        Assert.Equal(0, (await Cairn("drift", "-b", train, "-c", drifted, "--json", File("direct.json"), "-q")).ExitCode);
        var stored = Json(File("stored.json")).GetProperty("columns").EnumerateArray().Select(c => (c.GetProperty("column").GetString(), c.GetProperty("statistic").GetDouble())).ToList();
        var direct = Json(File("direct.json")).GetProperty("columns").EnumerateArray().Select(c => (c.GetProperty("column").GetString(), c.GetProperty("statistic").GetDouble())).ToList();
        Assert.Equal(stored, direct);
    }

    [Fact]
    public async Task InputProblems_ExitTwoWithAMessage()
    {
        var (train, drifted, _) = CreditFiles();
        Assert.Equal(0, (await Cairn("baseline", "create", "-i", train, "-o", File("b2.json"))).ExitCode);

        var noCurrent = await Cairn("drift", "-b", File("b2.json"), "-c", File("nope.csv"));
        Assert.Equal(2, noCurrent.ExitCode);
        Assert.Contains("nope.csv' does not exist", noCurrent.Stderr, StringComparison.Ordinal);

        var noBaseline = await Cairn("drift", "-b", File("missing.json"), "-c", drifted);
        Assert.Equal(2, noBaseline.ExitCode);
        Assert.Contains("missing.json' does not exist", noBaseline.Stderr, StringComparison.Ordinal);

        Assert.Equal(2, (await Cairn("baseline", "create", "-i", File("nope.csv"))).ExitCode);
        Assert.Equal(2, (await Cairn("baseline", "create", "-i", train, "--label", "nosuch", "-o", File("x.json"))).ExitCode);

        // A current file without one of the baseline's columns.
        var lines = await System.IO.File.ReadAllLinesAsync(drifted, TestContext.Current.CancellationToken);
        await System.IO.File.WriteAllLinesAsync(File("no-income.csv"), lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 1))), TestContext.Current.CancellationToken);
        var missingColumn = await Cairn("drift", "-b", File("b2.json"), "-c", File("no-income.csv"));
        Assert.Equal(2, missingColumn.ExitCode);
        Assert.Contains("column 'income' is in the baseline but not in the current data", missingColumn.Stderr, StringComparison.Ordinal);

        // Text in a column the baseline has numeric.
        var typed = lines.Select((l, i) => i == 5 ? "abc," + string.Join(',', l.Split(',').Skip(1)) : l);
        await System.IO.File.WriteAllLinesAsync(File("bad-age.csv"), typed, TestContext.Current.CancellationToken);
        var mismatch = await Cairn("drift", "-b", File("b2.json"), "-c", File("bad-age.csv"));
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("column 'age' line 6 has 'abc', which is not a number", mismatch.Stderr, StringComparison.Ordinal);

        var method = await Cairn("drift", "-b", File("b2.json"), "-c", drifted, "--method", "nosuch");
        Assert.Equal(2, method.ExitCode);
        Assert.Contains("unknown method 'nosuch'", method.Stderr, StringComparison.Ordinal);

        await System.IO.File.WriteAllTextAsync(File("not-baseline.json"), "{\"format\": \"other\"}", TestContext.Current.CancellationToken);
        Assert.Equal(2, (await Cairn("drift", "-b", File("not-baseline.json"), "-c", drifted)).ExitCode);
    }

    [Fact]
    public async Task WithARun_TheBaselineAndTheReportAreLoggedAsArtifacts_AndReadBackByUri()
    {
        var (train, drifted, _) = CreditFiles();
        var uri = server.BaseAddress.ToString();
        using var client = CairnClient.Create(uri);
        var run = await client.CreateRunAsync(await client.GetOrCreateExperimentAsync("drift-cli"));
        var runId = run.Info.RunId;

        var create = await Cairn("baseline", "create", "-i", train, "--label", "approved", "-o", File("run-baseline.json"), "--run", runId, "--tracking-uri", uri);
        Assert.True(create.ExitCode == 0, create.Stderr);
        var artifacts = await client.ListArtifactsAsync(run.Info.ArtifactUri, "baseline", TestContext.Current.CancellationToken);
        Assert.Contains(artifacts, a => a.Path == "baseline/baseline.json");
        var tags = (await client.GetRunAsync(runId)).Data.Tags!.ToDictionary(t => t.Key!, t => t.Value);
        Assert.Equal($"runs:/{runId}/baseline/baseline.json", tags["cairn.baseline"]);

        var drift = await Cairn("drift", "-b", $"runs:/{runId}/baseline/baseline.json", "-c", drifted, "--run", runId, "--tracking-uri", uri, "--json", File("run-drift.json"));
        Assert.True(drift.ExitCode == 0, drift.Stderr);
        Assert.Contains("income", Drifted(Json(File("run-drift.json"))));
        var logged = (await client.ListArtifactsAsync(run.Info.ArtifactUri, "drift", TestContext.Current.CancellationToken)).Select(a => a.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "drift/drift.json", "drift/drift.html" }, logged);
        await using (var stream = await client.OpenArtifactAsync(run.Info.ArtifactUri, "drift/drift.json", TestContext.Current.CancellationToken))
        {
            var report = (await JsonDocument.ParseAsync(stream, cancellationToken: TestContext.Current.CancellationToken)).RootElement;
            Assert.Equal("cairn.drift", report.GetProperty("format").GetString());
        }

        var share = await client.GetMetricHistoryAsync(runId, "drift_share", TestContext.Current.CancellationToken);
        Assert.Equal(3.0 / 9, Assert.Single(share).Value!.Value, 9);
    }

    [Fact]
    public async Task FromAModelVersion_TheRunsDatasetIsBaselined_AttachedViaTheRun_AndTheVersionFindsIt()
    {
        var (train, drifted, _) = CreditFiles();
        var uri = server.BaseAddress.ToString();
        using var client = CairnClient.Create(uri);
        var run = await client.CreateRunAsync(await client.GetOrCreateExperimentAsync("drift-model"));
        var runId = run.Info.RunId;

        // What `cairn train` logs: the training file as a local dataset input, the label as a param, and a model.
        await client.LogInputsAsync(runId,
        [
            new DatasetInputDto([new KeyValueDto("mlflow.data.context", "training")],
                new DatasetDto("train", "abcd1234", "local", JsonSerializer.Serialize(new Dictionary<string, string> { ["uri"] = train }), "{}", "{}")),
        ]);
        await client.LogParamAsync(runId, "label", "approved");
        using (var mlmodel = new MemoryStream(Encoding.UTF8.GetBytes("artifact_path: model\nflavors: {}\n")))
        {
            await client.UploadArtifactAsync(run.Info.ArtifactUri, "model/MLmodel", mlmodel);
        }

        var name = "drift-model-" + Guid.NewGuid().ToString("N")[..8];
        await client.EnsureRegisteredModelAsync(name);
        await client.CreateModelVersionAsync(name, $"runs:/{runId}/model", runId);

        var create = await Cairn("baseline", "create", "--model", $"models:/{name}/1", "-o", File("model-baseline.json"), "--tracking-uri", uri);
        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.Contains("Using run", create.Stderr, StringComparison.Ordinal);
        Assert.Equal("approved", Json(File("model-baseline.json")).GetProperty("label").GetString());
        var version = await client.GetModelVersionAsync(name, "1");
        Assert.Equal($"runs:/{runId}/baseline/baseline.json", version.Tags!.Single(t => t.Key == "cairn.baseline").Value);

        var drift = await Cairn("drift", "-b", $"models:/{name}/1", "-c", drifted, "--tracking-uri", uri, "--json", File("model-drift.json"));
        Assert.True(drift.ExitCode == 0, drift.Stderr);
        Assert.Contains("debt_to_income", Drifted(Json(File("model-drift.json"))));

        var noRun = await Cairn("baseline", "create", "--run", "0123456789abcdef0123456789abcdef", "--tracking-uri", uri);
        Assert.NotEqual(0, noRun.ExitCode);
    }
}
