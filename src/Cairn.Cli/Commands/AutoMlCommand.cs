using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Cairn.Training.Jobs;
using Cairn.Training.Tuning;
using Cairn.Tuning.Studies;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn automl -f data.yaml --budget 10m</c>: a TPE search across ML.NET trainers and their main options, shown as
/// a leaderboard; the study and its trials are runs, as with <c>cairn tune</c>, and <c>--resume RUN_ID</c> continues it.
/// </summary>
internal sealed class AutoMlCommand(IConsoleOutput console)
{
    private readonly Option<string> _file = new("--file", "-f") { Description = "A training spec (data, label, split); its trainer, if any, is ignored.", Required = true };
    private readonly Option<string> _task = new("--task") { Description = "binary, multiclass or regression (default: the spec's task)." };
    private readonly Option<string> _budget = new("--budget") { Description = "Time budget such as 90s, 10m or 1h (default 10m)." };
    private readonly Option<int?> _trials = new("--trials") { Description = "At most this many trials (default 1000)." };
    private readonly Option<string> _trainers = new("--trainers") { Description = $"Comma-separated subset of {string.Join(", ", AutoMlSpace.Trainers)}." };
    private readonly Option<string> _metric = new("--metric") { Description = "Metric to optimise (default roc_auc, accuracy_macro or r2_score)." };
    private readonly Option<int> _seed = new("--seed") { Description = "Sampler seed." };
    private readonly Option<string> _registerAs = new("--register-as") { Description = "Register the winner under this name." };
    private readonly Option<string> _resume = new("--resume") { Description = "Continue the search whose parent run this is (after a crash or a restart); --trials and --budget apply anew." };
    private readonly Option<string> _trackingUri = new("--tracking-uri") { Description = "Cairn server address (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000)." };
    private readonly Option<bool> _json = new("--json") { Description = "Write the result as JSON to stdout." };

    public Command Build()
    {
        var command = new Command("automl", "Search across trainers and their hyperparameters; leaderboard and the best model.")
        {
            _file, _task, _budget, _trials, _trainers, _metric, _seed, _registerAs, _resume, _trackingUri, _json,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var file = result.GetValue(_file)!;
        TuneSpec spec;
        try
        {
            var budget = result.GetValue(_budget) ?? "10m";
            spec = AutoMlSpecReader.Read(file, new AutoMlRequest
            {
                Task = result.GetValue(_task),
                Trainers = result.GetValue(_trainers)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Metric = result.GetValue(_metric),
                MaxTrials = result.GetValue(_trials) ?? 1000,
                TimeBudget = DurationText.TryParse(budget) ?? throw TrainingSpecException.One($"--budget: '{budget}' is not a duration like 90s, 10m or 1h."),
                Seed = result.GetValue(_seed),
                RegisterAs = result.GetValue(_registerAs),
            });
            if (spec.MaxTrials < 1)
            {
                throw TrainingSpecException.One("--trials: must be at least 1.");
            }

            await TrainingJob.LoadTableAsync(spec.Training, cancellationToken);
        }
        catch (TrainingSpecException exception)
        {
            console.Error($"{file}: {exception.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        return await JobExecution.RunAsync(console, file, result.GetValue(_trackingUri), "AutoML", async (client, progress) =>
        {
            var outcome = await new TuningJob(client).RunAsync(spec, Path.GetFullPath(file), result.GetValue(_resume), progress, cancellationToken);
            Report(result, spec, outcome);
            return outcome.Best is null ? ExitCodes.Failure : ExitCodes.Success;
        });
    }

    private void Report(ParseResult result, TuneSpec spec, TuneResult outcome)
    {
        var sign = spec.Direction == Direction.Maximize ? -1 : 1;
        var board = outcome.Trials.Where(t => t.State == TrialState.Complete && t.ExternalParams.ContainsKey(AutoMlSpace.TrainerParameter))
            .GroupBy(t => (string)t.ExternalParams[AutoMlSpace.TrainerParameter]!)
            .Select(g => (Trainer: g.Key, Trials: g.Count(), Best: g.OrderBy(t => sign * t.Value!.Value).ThenBy(t => t.Number).First()))
            // Ties go to the trainer that reached the value first, as the study's best trial does.
            .OrderBy(r => sign * r.Best.Value!.Value).ThenBy(r => r.Best.Number).ToList();
        if (result.GetValue(_json))
        {
            console.Data(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["parent_run_id"] = outcome.ParentRunId,
                ["stop_reason"] = outcome.Reason.ToString(),
                ["metric"] = spec.Objective,
                ["leaderboard"] = board.Select(r => new Dictionary<string, object?>
                {
                    ["trainer"] = r.Trainer, ["trials"] = r.Trials, ["best_value"] = r.Best.Value, ["best_trial"] = r.Best.Number,
                }).ToList(),
                ["best_value"] = outcome.Best?.Value,
                ["best_params"] = outcome.Best?.ExternalParams,
                ["best_run_id"] = outcome.BestRunId,
                ["registered_version"] = outcome.RegisteredVersion,
            }));
            return;
        }

        console.Info($"Study {outcome.ParentRunId} stopped ({outcome.Reason}) after {outcome.Trials.Count} trials.");
        console.Table(["trainer", "trials", $"best {spec.Objective}", "trial"], board.Select(r => (IReadOnlyList<string>)
            [r.Trainer, r.Trials.ToString(CultureInfo.InvariantCulture), r.Best.Value!.Value.ToString("G6", CultureInfo.InvariantCulture), r.Best.Number.ToString(CultureInfo.InvariantCulture)]));
        if (outcome.RegisteredVersion is { } version)
        {
            console.Info($"Registered the best model ({outcome.BestRunId}) as models:/{spec.RegisterBestAs}/{version}");
        }
    }
}
