using System.CommandLine;
using System.Globalization;
using Cairn.Client;
using Cairn.Quality.Baselines;
using Cairn.Quality.Drift;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn baseline create -i train.csv [--label col] [-o baseline.json] [--run RUN_ID] [--model NAME/VERSION]</c>:
/// computes a baseline with frozen bins (see docs/quality.md), writes it as JSON, and with <c>--run</c> or <c>--model</c>
/// logs it as an artifact of the run (a model version's run, tagged on the version). Without <c>-i</c>, <c>--run</c>
/// takes the run's logged training data and label.
/// </summary>
internal sealed class BaselineCommand(IConsoleOutput console)
{
    private readonly Option<string> _input = new("--input", "-i") { Description = "Training data: a CSV (header row) or Parquet file. Default with --run: the run's dataset input." };
    private readonly Option<string> _label = new("--label") { Description = "The label column (compared as target drift; default with --run: the run's 'label' param)." };
    private readonly Option<string> _output = new("--output", "-o") { Description = "Where to write the baseline (default: baseline.json)." };
    private readonly Option<string> _run = new("--run") { Description = "Log the baseline as an artifact of this run (baseline/baseline.json)." };
    private readonly Option<string> _model = new("--model") { Description = "Log the baseline with this model version (NAME/VERSION or models:/NAME/VERSION): on its run, tagged on the version." };

    private readonly Option<string> _trackingUri = new("--tracking-uri")
    {
        Description = "Cairn server address (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000).",
    };

    public Command Build()
    {
        var create = new Command("create", "Compute a baseline (statistics, frozen bins, categories, missing rates) from training data.")
        {
            _input, _label, _output, _run, _model, _trackingUri,
        };
        create.SetAction(ExecuteAsync);
        var baseline = new Command("baseline", "Data baselines for drift detection.");
        baseline.Subcommands.Add(create);
        return baseline;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var input = result.GetValue(_input);
        var label = result.GetValue(_label);
        var output = result.GetValue(_output) ?? "baseline.json";
        var runId = result.GetValue(_run);
        var model = result.GetValue(_model);
        if (input is null && runId is null && model is null)
        {
            console.Error("--input: give the training data (-i train.csv), or --run RUN_ID / --model NAME/VERSION to use the run's logged dataset.");
            return ExitCodes.InvalidConfiguration;
        }

        bool tracking = runId is not null || model is not null;
        CairnClient? client = null;
        try
        {
            client = tracking ? CairnClient.Create(result.GetValue(_trackingUri)) : null;
            var server = client is null ? null : new BaselineTracking(client);
            (string Name, string Version, string RunId)? version = null;
            if (model is not null)
            {
                version = await server!.ModelVersionRunAsync(model, cancellationToken);
                if (runId is not null && runId != version.Value.RunId)
                {
                    console.Error($"--run {runId} is not the run of model version {version.Value.Name}/{version.Value.Version} ({version.Value.RunId}).");
                    return ExitCodes.InvalidConfiguration;
                }

                runId = version.Value.RunId;
            }

            if (input is null)
            {
                var (path, runLabel) = await server!.RunTrainingDataAsync(runId!, cancellationToken);
                input = path;
                label ??= runLabel;
                console.Info($"Using run {runId}'s training data {path}{(runLabel is null ? "" : $" (label '{runLabel}')")}.");
            }

            var baseline = await BaselineBuilder.FromFileAsync(input, label, runId, cancellationToken);
            await baseline.SaveAsync(output, cancellationToken);
            Summarise(baseline, output);
            if (server is not null && runId is not null)
            {
                var uri = await server.LogBaselineAsync(runId, baseline, cancellationToken);
                console.Info($"Logged as {uri}.");
                if (version is { } v)
                {
                    await server.TagModelVersionAsync(v.Name, v.Version, uri, cancellationToken);
                    console.Info($"Model version {v.Name}/{v.Version} tagged {BaselineTracking.Tag}={uri}.");
                }
            }

            return ExitCodes.Success;
        }
        catch (DriftInputException error)
        {
            console.Error(error.Message);
            return ExitCodes.InvalidConfiguration;
        }
        catch (CairnClientException error)
        {
            console.Error($"{error.ErrorCode}: {error.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception error) when (error is HttpRequestException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            console.Error($"Baseline failed: {error.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            client?.Dispose();
        }
    }

    private void Summarise(Baseline baseline, string output)
    {
        console.Table(["column", "type", "role", "count", "missing", "distinct", "bins / categories"],
            baseline.Columns.Select(c => (IReadOnlyList<string>)
            [
                c.Name, c.Type, c.Role, c.Count.ToString(CultureInfo.InvariantCulture), c.MissingRate.ToString("0.##%", CultureInfo.InvariantCulture),
                c.Distinct.ToString(CultureInfo.InvariantCulture),
                c.Bins is { } bins ? $"{bins.Counts.Count} {bins.Rule} bins" : c.IsNumeric ? $"{c.Distinct} values" : $"{c.Categories?.Count ?? 0} categories",
            ]));
        console.Info($"Wrote the baseline of {baseline.RowCount} rows and {baseline.Columns.Count} columns to {output}.");
    }
}
