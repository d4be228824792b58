using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Cairn.Training.Jobs;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn train -f job.yaml</c>: runs a training job from a spec against a Cairn server (see docs/training-jobs.md).
/// Spec and data problems are reported all at once, before a run is created; <c>--check</c> stops there.
/// </summary>
internal sealed class TrainCommand(IConsoleOutput console)
{
    private readonly Option<string> _file = new("--file", "-f") { Description = "The job spec (YAML).", Required = true };

    private readonly Option<string> _trackingUri = new("--tracking-uri")
    {
        Description = "Cairn server address (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000).",
    };

    private readonly Option<string> _experiment = new("--experiment") { Description = "Overrides the spec's experiment." };
    private readonly Option<string> _registerAs = new("--register-as") { Description = "Overrides the spec's register_as." };
    private readonly Option<bool> _check = new("--check") { Description = "Check the spec and the data, then stop (no server needed)." };
    private readonly Option<bool> _json = new("--json") { Description = "Write the result (run, metrics, model) as JSON to stdout." };

    public Command Build()
    {
        var command = new Command("train", "Train an ML.NET model from a job spec and log it.") { _file, _trackingUri, _experiment, _registerAs, _check, _json };
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var file = result.GetValue(_file)!;
        TrainingSpec spec;
        try
        {
            spec = TrainingSpecReader.ReadFile(file);
            spec = spec with
            {
                Experiment = result.GetValue(_experiment) ?? spec.Experiment,
                RegisterAs = result.GetValue(_registerAs) ?? spec.RegisterAs,
            };
            if (result.GetValue(_check))
            {
                var (path, table) = await TrainingJob.LoadTableAsync(spec, cancellationToken);
                console.Info($"{file} is valid: {table.Frame.RowCount} rows of {path}, label '{table.Label}', " +
                    $"{table.Features.Count} features ({string.Join(", ", table.Features.Select(f => $"{f.Name}:{f.Kind.ToString().ToLowerInvariant()}"))}).");
                return ExitCodes.Success;
            }
        }
        catch (TrainingSpecException exception)
        {
            console.Error($"{file}: {exception.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        return await JobExecution.RunAsync(console, file, result.GetValue(_trackingUri), "Training", async (client, progress) =>
        {
            Report(result, await new TrainingJob(client).RunAsync(spec, Path.GetFullPath(file), progress, cancellationToken));
            return ExitCodes.Success;
        });
    }

    private void Report(ParseResult result, TrainingResult outcome)
    {
        if (result.GetValue(_json))
        {
            console.Data(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["run_id"] = outcome.RunId,
                ["experiment_id"] = outcome.ExperimentId,
                ["metrics"] = outcome.Metrics,
                ["model_id"] = outcome.Model.ModelId,
                ["model_uri"] = outcome.Model.ModelUri,
                ["registered_model"] = outcome.Model.RegisteredModelName,
                ["registered_version"] = outcome.Model.RegisteredVersion,
            }));
            return;
        }

        console.Table(["metric", "value"], outcome.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => (IReadOnlyList<string>)[m.Key, m.Value.ToString("0.######", CultureInfo.InvariantCulture)]));
        console.Info($"Run {outcome.RunId} (experiment {outcome.ExperimentId}); model {outcome.Model.ModelUri}");
        if (outcome.Model.RegisteredModelName is { } name)
        {
            console.Info($"Registered as models:/{name}/{outcome.Model.RegisteredVersion}");
        }
    }
}
