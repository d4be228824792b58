using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Cairn.Training.Jobs;
using Cairn.Training.Tuning;
using Cairn.Tuning.Studies;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn tune -f tune.yaml</c>: searches a training job's hyperparameters; the study is a parent run, each trial a nested
/// training run. <c>--resume RUN_ID</c> continues a study from its trial runs (after a crash, or with a larger budget).
/// </summary>
internal sealed class TuneCommand(IConsoleOutput console)
{
    private readonly Option<string> _file = new("--file", "-f") { Description = "The tuning spec (a training spec plus a tune section).", Required = true };

    private readonly Option<string> _trackingUri = new("--tracking-uri")
    {
        Description = "Cairn server address (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000).",
    };

    private readonly Option<string> _resume = new("--resume") { Description = "Continue the study whose parent run this is; max_trials more trials run." };
    private readonly Option<bool> _check = new("--check") { Description = "Check the spec and the data, then stop (no server needed)." };
    private readonly Option<bool> _json = new("--json") { Description = "Write the result as JSON to stdout." };

    public Command Build()
    {
        var command = new Command("tune", "Tune a training job's hyperparameters (random, grid, Sobol, TPE or GP-based Bayesian search).") { _file, _trackingUri, _resume, _check, _json };
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var file = result.GetValue(_file)!;
        TuneSpec spec;
        try
        {
            spec = TuneSpecReader.ReadFile(file);
            var (path, table) = await TrainingJob.LoadTableAsync(spec.Training, cancellationToken);
            if (result.GetValue(_check))
            {
                console.Info($"{file} is valid: {table.Frame.RowCount} rows of {path}; {spec.Sampler} search over {string.Join(", ", spec.Space.Keys)} " +
                    $"for the best {spec.Objective}, up to {spec.MaxTrials} trials.");
                return ExitCodes.Success;
            }
        }
        catch (TrainingSpecException exception)
        {
            console.Error($"{file}: {exception.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        return await JobExecution.RunAsync(console, file, result.GetValue(_trackingUri), "Tuning", async (client, progress) =>
        {
            var outcome = await new TuningJob(client).RunAsync(spec, Path.GetFullPath(file), result.GetValue(_resume), progress, cancellationToken);
            Report(result, spec, outcome);
            return outcome.Best is null ? ExitCodes.Failure : ExitCodes.Success;
        });
    }

    private void Report(ParseResult result, TuneSpec spec, TuneResult outcome)
    {
        var counts = outcome.Trials.GroupBy(t => t.State).ToDictionary(g => g.Key.ToString().ToLowerInvariant(), g => g.Count());
        if (result.GetValue(_json))
        {
            console.Data(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["parent_run_id"] = outcome.ParentRunId,
                ["experiment_id"] = outcome.ExperimentId,
                ["stop_reason"] = outcome.Reason.ToString(),
                ["trials"] = counts,
                ["best_trial"] = outcome.Best?.Number,
                ["best_value"] = outcome.Best?.Value,
                ["best_params"] = outcome.Best?.ExternalParams,
                ["best_run_id"] = outcome.BestRunId,
                ["registered_version"] = outcome.RegisteredVersion,
            }));
            return;
        }

        var best = outcome.Best;
        console.Info($"Study {outcome.ParentRunId} stopped ({outcome.Reason}): {string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}"))}.");
        if (best is null)
        {
            console.Error("No trial completed.");
            return;
        }

        console.Table(["", "value"], [
            [spec.Objective, best.Value!.Value.ToString("G6", CultureInfo.InvariantCulture)],
            ["trial", best.Number.ToString(CultureInfo.InvariantCulture)],
            ["run", outcome.BestRunId ?? ""],
            .. best.ExternalParams.Select(p => (IReadOnlyList<string>)[p.Key, Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? ""]),
        ]);
        if (outcome.RegisteredVersion is { } version)
        {
            console.Info($"Registered the best model as models:/{spec.RegisterBestAs}/{version}");
        }
    }
}
