using System.Text.Json;
using Cairn.Client;
using Cairn.Core.Tracking;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Training.Tests.Support;
using Cairn.Training.Tuning;

namespace Cairn.Training.Tests.Jobs;

/// <summary><c>cairn tune</c> run as a process against a real server: the study as a parent run, trials as nested runs, resume.</summary>
public sealed class TuneCommandTests(CairnServer server) : IClassFixture<CairnServer>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly string Columns = string.Join(", ", Enumerable.Range(0, 30).Select(i => $"f{i}"));

    private static string Spec(string experiment, string model, string space, string sampler = "random", int trials = 5) => $$$"""
        experiment: {{{experiment}}}
        task: binary
        data:
          path: /usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv
          header: false
          skip_rows: 1
          columns: [{{{Columns}}}, benign]
          label: benign
        split: {validation_fraction: 0.3, seed: 3}
        trainer: {name: fasttree, hyperparameters: {number_of_trees: 20}}
        plots: false
        feature_importance: false
        tune:
          objective: roc_auc
          direction: maximize
          sampler: {{{sampler}}}
          seed: 5
          max_trials: {{{trials}}}
          space:
        {{{space}}}
          register_best_as: {{{model}}}
        """;

    private const string Space = """
            learning_rate: {type: float, low: 0.05, high: 0.5, log: true}
            number_of_leaves: {type: int, low: 2, high: 16}
        """;

    private async Task<(int Code, JsonElement Result, string Stderr)> TuneAsync(string specPath, params string[] extra)
    {
        var (code, stdout, stderr) = await CairnProcess.RunAsync(["tune", "-f", specPath, "--tracking-uri", server.BaseAddress.ToString(), "--json", .. extra]);
        return (code, code == 0 ? JsonDocument.Parse(stdout).RootElement.Clone() : default, stderr);
    }

    [Fact]
    public async Task AStudy_IsAParentRunWithNestedTrials_RegistersTheBest_AndResumes()
    {
        var folder = Directory.CreateTempSubdirectory("cairn-tune").FullName;
        var experiment = "tune-" + Guid.NewGuid().ToString("N")[..8];
        var model = experiment + "-best";
        var specPath = Path.Combine(folder, "tune.yaml");
        await File.WriteAllTextAsync(specPath, Spec(experiment, model, Space), Token);

        var (code, result, stderr) = await TuneAsync(specPath);

        Assert.True(code == 0, stderr);
        Assert.Contains("trial 4:", stderr, StringComparison.Ordinal);
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var parentId = result.GetProperty("parent_run_id").GetString()!;
        var parent = await client.GetRunAsync(parentId, Token);
        Assert.Equal(RunStatus.Finished, parent.Info.Status);
        var parentParams = parent.Data.Params!.ToDictionary(p => p.Key!, p => p.Value);
        Assert.Equal("roc_auc", parentParams["objective"]);
        Assert.Equal("float [0.05, 0.5] log", parentParams["space.learning_rate"]);

        var trials = await client.SearchRunsAsync([parent.Info.ExperimentId], $"tags.`mlflow.parentRunId` = '{parentId}'", cancellationToken: Token);
        Assert.Equal(5, trials.Count);
        Assert.Equal(["0", "1", "2", "3", "4"], trials.Select(t => t.Data.Tags!.Single(x => x.Key == TuningJob.TrialTag).Value).Order());
        var values = trials.ToDictionary(t => t.Info.RunId, t => t.Data.Metrics!.Single(m => m.Key == "roc_auc").Value!.Value);
        var bestRun = result.GetProperty("best_run_id").GetString()!;
        Assert.Equal(values.Values.Max(), values[bestRun]);
        Assert.Equal(values[bestRun], result.GetProperty("best_value").GetDouble());
        Assert.All(trials, t => Assert.InRange(double.Parse(t.Data.Params!.Single(p => p.Key == "learning_rate").Value!, System.Globalization.CultureInfo.InvariantCulture), 0.05 - 1e-9, 0.5 + 1e-9));
        Assert.Equal(bestRun, parent.Data.Tags!.Single(t => t.Key == "cairn.tune.best_run_id").Value);
        var version = await client.GetModelVersionAsync(model, "1", Token);
        Assert.Equal(bestRun, version.RunId);

        // Resuming runs max_trials more trials, numbered on, and keeps the best-so-far curve going.
        var (resumedCode, resumed, resumedErr) = await TuneAsync(specPath, "--resume", parentId);

        Assert.True(resumedCode == 0, resumedErr);
        Assert.Equal(10, resumed.GetProperty("trials").GetProperty("complete").GetInt32());
        var all = await client.SearchRunsAsync([parent.Info.ExperimentId], $"tags.`mlflow.parentRunId` = '{parentId}'", cancellationToken: Token);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(),
            all.Select(t => t.Data.Tags!.Single(x => x.Key == TuningJob.TrialTag).Value).Order());
        var curve = await client.GetMetricHistoryAsync(parentId, "best_roc_auc", Token);
        Assert.Equal(10, curve.Count);
        Assert.True(curve.OrderBy(m => m.Step).Select(m => m.Value!.Value).Zip(curve.OrderBy(m => m.Step).Skip(1).Select(m => m.Value!.Value)).All(p => p.Second >= p.First));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task MedianPruning_StopsPoorTrialsAfterAFold_AndEndsTheirRunsKilled()
    {
        var folder = Directory.CreateTempSubdirectory("cairn-tune-prune").FullName;
        var experiment = "tune-prune-" + Guid.NewGuid().ToString("N")[..8];
        var specPath = Path.Combine(folder, "tune.yaml");
        var spec = Spec(experiment, experiment, """
                minimum_example_count_per_leaf: {type: int, low: 1, high: 150, log: true}
                number_of_leaves: {type: int, low: 2, high: 8}
            """, trials: 14)
            .Replace("split: {validation_fraction: 0.3, seed: 3}", "split: {k_folds: 4, seed: 3}", StringComparison.Ordinal)
            .Replace("sampler: random", "sampler: random\n  pruner: median", StringComparison.Ordinal);
        await File.WriteAllTextAsync(specPath, spec, Token);

        var (code, result, stderr) = await TuneAsync(specPath);

        Assert.True(code == 0, stderr);
        var pruned = result.GetProperty("trials").TryGetProperty("pruned", out var p) ? p.GetInt32() : 0;
        Assert.True(pruned > 0, stderr);
        Assert.Equal(14, pruned + result.GetProperty("trials").GetProperty("complete").GetInt32());
        Assert.Contains("pruned after fold", stderr, StringComparison.Ordinal);
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var parentId = result.GetProperty("parent_run_id").GetString()!;
        var experimentId = (await client.GetRunAsync(parentId, Token)).Info.ExperimentId;
        var killed = await client.SearchRunsAsync([experimentId], $"tags.`cairn.tune.state` = 'pruned'", cancellationToken: Token);
        Assert.Equal(pruned, killed.Count);
        Assert.All(killed, run => Assert.Equal(RunStatus.Killed, run.Info.Status));
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("gp", "gp")]
    [InlineData("tpe\n  multivariate: true", "tpe (multivariate)")]
    public async Task GpAndMultivariateTpe_RunAsSamplersOfTune(string sampler, string logged)
    {
        var folder = Directory.CreateTempSubdirectory("cairn-tune-gp").FullName;
        var experiment = "tune-gp-" + Guid.NewGuid().ToString("N")[..8];
        var specPath = Path.Combine(folder, "tune.yaml");
        // Past the start-up trials (GP: max(5, 2·2 columns); TPE: 10), so the joint model picks the last ones.
        await File.WriteAllTextAsync(specPath, Spec(experiment, experiment, Space, sampler, trials: 12), Token);

        var (code, result, stderr) = await TuneAsync(specPath);

        Assert.True(code == 0, stderr);
        Assert.Equal(12, result.GetProperty("trials").GetProperty("complete").GetInt32());
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var parent = await client.GetRunAsync(result.GetProperty("parent_run_id").GetString()!, Token);
        Assert.Equal(logged, parent.Data.Params!.Single(p => p.Key == "sampler").Value);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task ABadTuneSpec_NamesEveryProblem_AndCreatesNothing()
    {
        var folder = Directory.CreateTempSubdirectory("cairn-tune-bad").FullName;
        var experiment = "tune-bad-" + Guid.NewGuid().ToString("N")[..8];
        var specPath = Path.Combine(folder, "tune.yaml");
        await File.WriteAllTextAsync(specPath, Spec(experiment, "m", """
                no_such_option: {type: float, low: 0, high: 1}
                number_of_leaves: {type: int, low: 16, high: 2}
                learning_rate: {type: float, low: 0.01, high: 0.5}
            """, sampler: "grid\n  multivariate: true").Replace("objective: roc_auc", "objective: r2_score", StringComparison.Ordinal), Token);

        var (code, _, stderr) = await TuneAsync(specPath);

        Assert.Equal(2, code);
        Assert.Contains("tune.space.no_such_option", stderr, StringComparison.Ordinal);
        Assert.Contains("tune.space.number_of_leaves", stderr, StringComparison.Ordinal);
        Assert.Contains("tune.space.learning_rate: grid search needs a step", stderr, StringComparison.Ordinal);
        Assert.Contains("tune.objective: 'r2_score'", stderr, StringComparison.Ordinal);
        Assert.Contains("tune.multivariate: only the tpe sampler", stderr, StringComparison.Ordinal);
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        Assert.Null(await client.FindExperimentAsync(experiment, Token));
        Directory.Delete(folder, recursive: true);
    }
}

/// <summary><c>cairn automl</c> run as a process: a search across trainers with a leaderboard.</summary>
public sealed class AutoMlCommandTests(CairnServer server) : IClassFixture<CairnServer>
{
    [Fact]
    public async Task AutoMl_SearchesAcrossTrainers_AndReportsALeaderboard()
    {
        var folder = Directory.CreateTempSubdirectory("cairn-automl").FullName;
        var experiment = "automl-" + Guid.NewGuid().ToString("N")[..8];
        var specPath = Path.Combine(folder, "data.yaml");
        await File.WriteAllTextAsync(specPath, $"""
            experiment: {experiment}
            task: binary
            data:
              path: /usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv
              header: false
              skip_rows: 1
              columns: [{string.Join(", ", Enumerable.Range(0, 30).Select(i => $"f{i}"))}, benign]
              label: benign
            split: {"{"}validation_fraction: 0.3, seed: 3{"}"}
            """, TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await CairnProcess.RunAsync("automl", "-f", specPath, "--trainers", "sdca,fasttree,lightgbm", "--trials", "12",
            "--budget", "10m", "--seed", "2", "--register-as", experiment, "--tracking-uri", server.BaseAddress.ToString(), "--json");

        Assert.True(code == 0, stderr);
        var result = JsonDocument.Parse(stdout).RootElement;
        var board = result.GetProperty("leaderboard").EnumerateArray().ToList();
        Assert.True(board.Count >= 2, stdout);
        Assert.All(board, row => Assert.Contains(row.GetProperty("trainer").GetString(), new[] { "sdca", "fasttree", "lightgbm" }));
        Assert.Equal(12, board.Sum(row => row.GetProperty("trials").GetInt32()));
        Assert.Equal(board[0].GetProperty("best_value").GetDouble(), result.GetProperty("best_value").GetDouble());
        Assert.True(result.GetProperty("best_value").GetDouble() > 0.97);

        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var best = await client.GetRunAsync(result.GetProperty("best_run_id").GetString()!, TestContext.Current.CancellationToken);
        var trainer = best.Data.Tags!.Single(t => t.Key == TuningJob.ParamTagPrefix + "trainer").Value;
        Assert.Equal(board[0].GetProperty("trainer").GetString(), trainer);
        Assert.Equal(best.Info.RunId, (await client.GetModelVersionAsync(experiment, "1", TestContext.Current.CancellationToken)).RunId);

        // The search is a parent run with one nested run per trial, and a second invocation resumes it from those runs.
        var parentId = result.GetProperty("parent_run_id").GetString()!;
        var (resumedCode, resumedOut, resumedErr) = await CairnProcess.RunAsync("automl", "-f", specPath, "--trainers", "sdca,fasttree,lightgbm", "--trials", "4",
            "--budget", "10m", "--seed", "2", "--resume", parentId, "--tracking-uri", server.BaseAddress.ToString(), "--json");

        Assert.True(resumedCode == 0, resumedErr);
        var resumed = JsonDocument.Parse(resumedOut).RootElement;
        Assert.Equal(parentId, resumed.GetProperty("parent_run_id").GetString());
        Assert.Equal(16, resumed.GetProperty("leaderboard").EnumerateArray().Sum(row => row.GetProperty("trials").GetInt32()));
        var nested = await client.SearchRunsAsync([best.Info.ExperimentId], $"tags.`mlflow.parentRunId` = '{parentId}'", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(),
            nested.Select(t => t.Data.Tags!.Single(x => x.Key == TuningJob.TrialTag).Value).Order());
        Directory.Delete(folder, recursive: true);
    }
}
