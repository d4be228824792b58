using System.CommandLine;
using System.Globalization;
using System.Text;
using Cairn.Client;
using Cairn.Core;
using Cairn.Models.Package;
using Cairn.Models.Sdk;
using Cairn.Serving.Batch;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn predict</c>: batch prediction of a CSV or Parquet file into a CSV or Parquet file, streamed in chunks.
/// The output appears under its name only when the job completes; rows that fail are listed in an error report.
/// </summary>
internal sealed class PredictCommand(IConsoleOutput console)
{
    private readonly Option<string> _model = new("--model", "-m")
    {
        Description = "Model: models:/name@alias, models:/name/3, models:/m-<id>, runs:/<run>/<path>, or a local model folder.",
        Required = true,
    };

    private readonly Option<string> _input = new("--input", "-i") { Description = "Rows to predict: a .csv (with a header row) or .parquet file.", Required = true };
    private readonly Option<string> _output = new("--output", "-o") { Description = "Where to write the predictions: .csv or .parquet.", Required = true };
    private readonly Option<string> _errors = new("--errors") { Description = "Error report (row, error) for rows that fail; default <output>.errors.csv, written only when rows fail." };
    private readonly Option<string[]> _keep = new("--keep") { Description = "Input columns to copy to the output (an id, say); comma-separated or repeated.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string[]> _features = new("--features") { Description = "For tensor models: the columns that form each row's feature vector, in order (default: every column not kept).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<int> _chunkRows = new("--chunk-rows") { Description = "Rows read and predicted at a time (default 10000).", DefaultValueFactory = _ => 10_000 };
    private readonly Option<long?> _maxErrors = new("--max-errors") { Description = "Stop once more rows than this have failed (default: never)." };

    private readonly Option<string> _trackingUri = new("--tracking-uri")
    {
        Description = "Cairn server for registry and run models (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000).",
    };

    public Command Build()
    {
        var command = new Command("predict", "Batch prediction: score every row of a CSV or Parquet file with a model.")
        {
            _model, _input, _output, _errors, _keep, _features, _chunkRows, _maxErrors, _trackingUri,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var input = result.GetValue(_input)!;
        var output = Path.GetFullPath(result.GetValue(_output)!);
        string outputFormat;
        try
        {
            BatchPrediction.FormatOf(input);
            outputFormat = BatchPrediction.FormatOf(output);
            if (!File.Exists(input))
            {
                throw new ArgumentException($"Input file '{input}' does not exist.");
            }

            if (result.GetValue(_chunkRows) < 1)
            {
                throw new ArgumentException("--chunk-rows must be at least 1.");
            }
        }
        catch (ArgumentException error)
        {
            console.Error(error.Message);
            return ExitCodes.InvalidConfiguration;
        }

        Models.LoadedModel model;
        try
        {
            using var client = CairnClient.Create(result.GetValue(_trackingUri));
            model = await client.LoadModelAsync(result.GetValue(_model)!, cancellationToken);
        }
        catch (Exception error) when (error is ModelPackageException or CairnClientException or CairnException or HttpRequestException or ArgumentException or IOException)
        {
            console.Error($"Cannot load the model: {error.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        using (model)
        {
            return await PredictAsync(result, model, input, output, outputFormat, cancellationToken);
        }
    }

    private async Task<int> PredictAsync(ParseResult result, Models.LoadedModel model, string input, string output, string outputFormat, CancellationToken cancellationToken)
    {
        var errorsPath = Path.GetFullPath(result.GetValue(_errors) ?? output + ".errors.csv");
        var partial = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.{Guid.NewGuid():N}.partial");
        var partialErrors = partial + ".errors";
        var options = new BatchPredictionOptions
        {
            ChunkRows = result.GetValue(_chunkRows),
            Keep = Split(result.GetValue(_keep)),
            Features = Split(result.GetValue(_features)),
            MaxErrors = result.GetValue(_maxErrors),
        };

        BatchPredictionResult outcome;
        try
        {
            await using var reader = await BatchPrediction.OpenReaderAsync(input, cancellationToken);
            await using var writer = BatchPrediction.CreateWriter(partial, outputFormat);
            await using var errorReport = new StreamWriter(partialErrors, false, new UTF8Encoding(false)) { NewLine = "\n" };
            var progress = new ProgressLine(console);
            outcome = await BatchPrediction.RunAsync(model, reader, writer, errorReport, options, progress, cancellationToken);
            progress.Finish();
        }
        catch (Exception error) when (error is ArgumentException or InvalidDataException or IOException or TooManyRowErrorsException or UnauthorizedAccessException)
        {
            Delete(partial);
            Delete(partialErrors);
            console.Error(error is ArgumentException or InvalidDataException ? error.Message : $"Batch prediction stopped: {error.Message}");
            return error is ArgumentException or InvalidDataException ? ExitCodes.InvalidConfiguration : ExitCodes.Failure;
        }

        File.Move(partial, output, overwrite: true);
        if (outcome.RowsFailed > 0)
        {
            File.Move(partialErrors, errorsPath, overwrite: true);
        }
        else
        {
            Delete(partialErrors);
        }

        var rate = outcome.RowsRead / Math.Max(outcome.Elapsed.TotalSeconds, 1e-9);
        console.Info(string.Create(CultureInfo.InvariantCulture,
            $"Predicted {outcome.RowsPredicted:N0} of {outcome.RowsRead:N0} rows in {outcome.Elapsed.TotalSeconds:0.00} s ({rate:N0} rows/s) into {output}"));
        if (outcome.RowsFailed == 0)
        {
            return ExitCodes.Success;
        }

        console.Error($"{outcome.RowsFailed:N0} rows failed; see {errorsPath}. First: row {outcome.FirstErrors[0].Row}: {outcome.FirstErrors[0].Message}");
        return ExitCodes.CompletedWithRowErrors;
    }

    private static string[]? Split(string[]? values) =>
        values is null ? null : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is named so it cannot be mistaken for output.
        }
    }

    /// <summary>A progress bar on stderr, redrawn in place on a terminal and printed every 10% when redirected.</summary>
    private sealed class ProgressLine(IConsoleOutput console) : IProgress<BatchProgress>
    {
        private readonly bool _interactive = !Console.IsErrorRedirected;
        private long _lastTenth = -1;
        private long _lastDraw;

        public void Report(BatchProgress value)
        {
            var fraction = value.BytesTotal == 0 ? 1 : Math.Clamp((double)value.BytesRead / value.BytesTotal, 0, 1);
            var bar = new string('#', (int)(fraction * 30)).PadRight(30, '.');
            var text = string.Create(CultureInfo.InvariantCulture, $"[{bar}] {fraction * 100,3:0}% {value.RowsRead:N0} rows, {value.RowsFailed:N0} failed");
            if (_interactive)
            {
                var now = Environment.TickCount64;
                if (now - _lastDraw >= 100 || fraction >= 1)
                {
                    _lastDraw = now;
                    Console.Error.Write("\r" + text);
                }
            }
            else if ((long)(fraction * 10) is var tenth && tenth > _lastTenth)
            {
                _lastTenth = tenth;
                console.Info(text);
            }
        }

        public void Finish()
        {
            if (_interactive)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
