using System.CommandLine;
using System.Globalization;
using System.Text;
using Cairn.Client;
using Cairn.Quality.Baselines;
using Cairn.Quality.Drift;
using Cairn.Quality.Payloads;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn drift --baseline baseline.json|train.csv|runs:/…|models:/… --current current.csv</c>: compares a batch of rows
/// with a baseline on its frozen bins; prints the per-column table and verdict, writes JSON and HTML reports, and with
/// <c>--run</c> logs them as artifacts. <c>--current</c> may also be a payload log of <c>cairn serve --payload-log</c>
/// (a folder or a file, narrowed by <c>--since</c>/<c>--until</c>): then the logged predictions are compared with the
/// baseline's label as well (prediction drift). Exit code 0 whether or not drift is found (3 with <c>--fail-on-drift</c> when
/// the dataset drifted), 2 for missing files or columns and mismatched types.
/// </summary>
internal sealed class DriftCommand(IConsoleOutput console)
{
    public const int DriftDetected = 3;

    private readonly Option<string> _baseline = new("--baseline", "-b")
    {
        Description = "A baseline (.json from `cairn baseline create`), training data (CSV/Parquet, baselined on the fly), runs:/RUN/PATH or models:/NAME/VERSION.",
        Required = true,
    };

    private readonly Option<string> _current = new("--current", "-c")
    {
        Description = "The rows to check: CSV (header row) or Parquet, or a payload log of `cairn serve --payload-log` (its folder, a model's folder below it, or a .jsonl file).",
        Required = true,
    };

    private readonly Option<string> _since = new("--since") { Description = "Payload logs: only records at or after this time (ISO 8601, UTC unless stated, or an age such as 24h, 7d)." };
    private readonly Option<string> _until = new("--until") { Description = "Payload logs: only records before this time (ISO 8601 or an age)." };
    private readonly Option<string> _predictionColumn = new("--prediction-column")
    {
        Description = "Payload logs: the model output compared with the baseline's label (default PredictedLabel, else the only output, else Score for a numeric label).",
    };

    private readonly Option<string> _json = new("--json") { Description = "Write the report as JSON to this file." };
    private readonly Option<string> _html = new("--html") { Description = "Write the report as a self-contained HTML page to this file." };
    private readonly Option<string> _run = new("--run") { Description = "Log drift/drift.json, drift/drift.html and drift metrics to this run." };
    private readonly Option<string> _label = new("--label") { Description = "With training data as --baseline: its label column." };
    private readonly Option<string> _method = new("--method") { Description = "One method for every column instead of the automatic choice: " + string.Join(", ", DriftMethod.All.Select(m => m.Name)) + "." };
    private readonly Option<double?> _threshold = new("--threshold") { Description = "Threshold for every column instead of the method's default." };
    private readonly Option<double?> _driftShare = new("--drift-share") { Description = "Dataset drift when at least this share of columns drifted (default 0.5)." };
    private readonly Option<string> _columns = new("--columns") { Description = "Comma-separated columns to check (default: every baseline column)." };
    private readonly Option<bool> _failOnDrift = new("--fail-on-drift") { Description = $"Exit with code {DriftDetected} when the dataset drifted." };
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Do not print the table." };

    private readonly Option<string> _trackingUri = new("--tracking-uri")
    {
        Description = "Cairn server address (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000).",
    };

    public Command Build()
    {
        var command = new Command("drift", "Compare a batch of rows with a baseline: per-column drift tests on frozen bins and a dataset verdict.")
        {
            _baseline, _current, _since, _until, _predictionColumn, _json, _html, _run, _label, _method, _threshold, _driftShare, _columns, _failOnDrift, _quiet, _trackingUri,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var baselineArgument = result.GetValue(_baseline)!;
        var currentPath = result.GetValue(_current)!;
        var runId = result.GetValue(_run);
        DriftMethod? method = null;
        if (result.GetValue(_method) is { } methodName && (method = DriftMethod.Find(methodName)) is null)
        {
            console.Error($"--method: unknown method '{methodName}' (use one of {string.Join(", ", DriftMethod.All.Select(m => m.Name))}).");
            return ExitCodes.InvalidConfiguration;
        }

        if (result.GetValue(_driftShare) is { } share && share is not (> 0 and <= 1))
        {
            console.Error($"--drift-share must be in (0, 1] (got {share.ToString(CultureInfo.InvariantCulture)}).");
            return ExitCodes.InvalidConfiguration;
        }

        bool remote = baselineArgument.StartsWith("runs:/", StringComparison.Ordinal) || baselineArgument.StartsWith("models:/", StringComparison.Ordinal);
        CairnClient? client = null;
        try
        {
            client = remote || runId is not null ? CairnClient.Create(result.GetValue(_trackingUri)) : null;
            var tracking = client is null ? null : new BaselineTracking(client);
            Baseline baseline = remote ? await tracking!.DownloadBaselineAsync(baselineArgument, cancellationToken)
                : baselineArgument.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? await Baseline.LoadAsync(baselineArgument, cancellationToken)
                : await BaselineBuilder.FromFileAsync(baselineArgument, result.GetValue(_label), null, cancellationToken);

            var window = new PayloadWindow(
                result.GetValue(_since) is { } since ? PayloadLog.ParseTime(since, TimeProvider.System) : null,
                result.GetValue(_until) is { } until ? PayloadLog.ParseTime(until, TimeProvider.System) : null);
            var payloads = PayloadLog.IsPayloadPath(currentPath, window) ? await PayloadLog.ReadAsync(currentPath, window, cancellationToken) : null;
            if (payloads is null && (window != PayloadWindow.All || result.GetValue(_predictionColumn) is not null))
            {
                console.Error("--since, --until and --prediction-column apply to payload logs (a folder or a .jsonl file as --current).");
                return ExitCodes.InvalidConfiguration;
            }

            var current = payloads is null ? await ColumnarReader.ReadAsync(currentPath, baseline.Kinds(), cancellationToken) : PayloadLog.Inputs(payloads, baseline);
            var extra = payloads is null ? await ExtraColumnsAsync(currentPath, baseline, cancellationToken)
                : payloads.InputNames.Where(n => baseline.Column(n) is null).ToList();
            var options = new DriftOptions
            {
                Method = method,
                Threshold = result.GetValue(_threshold),
                DriftShare = result.GetValue(_driftShare) ?? DatasetDriftRule.DefaultDriftShare,
                Columns = result.GetValue(_columns)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            var report = DriftCalculator.Compare(baseline, current, options,
                new DataDescription(remote ? baselineArgument : Path.GetFullPath(baselineArgument), baseline.RowCount, baseline.Source?.Digest, baseline.CreatedAt),
                new DataDescription(Path.GetFullPath(currentPath), current.RowCount)) with { ExtraColumns = extra };
            if (payloads is not null)
            {
                var prediction = PredictionDrift.Compare(payloads, baseline, options, result.GetValue(_predictionColumn));
                var stats = payloads.Stats;
                report = report with
                {
                    Prediction = prediction,
                    Payloads = new PayloadSummary(payloads.Model, payloads.Versions, window.Since, window.Until, payloads.First, payloads.Last, stats.Files,
                        stats.Records, payloads.Rows.Count, stats.FailedRequests, stats.UnreadableRequests, stats.UnreadableResponses, prediction?.Column),
                };
            }

            var htmlPath = result.GetValue(_html);
            var html = htmlPath is not null || runId is not null ? DriftHtmlReport.Build(report).Render() : null;
            if (result.GetValue(_json) is { } jsonPath)
            {
                await File.WriteAllTextAsync(jsonPath, report.ToJson(), new UTF8Encoding(false), cancellationToken);
            }

            if (htmlPath is not null)
            {
                await File.WriteAllTextAsync(htmlPath, html, new UTF8Encoding(false), cancellationToken);
            }

            if (!result.GetValue(_quiet))
            {
                Print(report);
                foreach (var written in new[] { result.GetValue(_json), htmlPath }.OfType<string>())
                {
                    console.Info($"Wrote {written}.");
                }
            }

            if (runId is not null)
            {
                await tracking!.LogDriftAsync(runId, report, html!, cancellationToken);
                console.Info($"Logged drift/drift.json and drift/drift.html to run {runId}.");
            }

            return report.Summary.DatasetDrift && result.GetValue(_failOnDrift) ? DriftDetected : ExitCodes.Success;
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
            console.Error($"Drift failed: {error.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            client?.Dispose();
        }
    }

    /// <summary>Header columns of a CSV that the baseline does not have (Parquet: none reported).</summary>
    private static async Task<IReadOnlyList<string>> ExtraColumnsAsync(string path, Baseline baseline, CancellationToken cancellationToken)
    {
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        using var reader = new StreamReader(path);
        var header = await reader.ReadLineAsync(cancellationToken) ?? "";
        return header.Split(',').Select(h => h.Trim().Trim('"')).Where(h => h.Length > 0 && baseline.Column(h) is null).ToList();
    }

    private void Print(DriftReport report)
    {
        var rows = report.Columns.Append(report.Label).Append(report.Prediction).OfType<ColumnDrift>().Select(c => (IReadOnlyList<string>)
        [
            c.Role == BaselineColumn.LabelRole ? c.Column + " (label)" : c.Role == PredictionDrift.Role ? c.Column + " (prediction)" : c.Column, c.Type, c.Method,
            DriftHistogramPlot.Format(c.Statistic), c.PValue is { } p ? DriftHistogramPlot.Format(p) : "-",
            c.Threshold.ToString("G6", CultureInfo.InvariantCulture), c.Drifted ? "yes" : "no",
        ]);
        console.Table(["column", "type", "method", "statistic", "p-value", "threshold", "drifted"], rows);
        if (report.Payloads is { } p)
        {
            console.Info($"Payload logs of model {p.Model}: {p.Rows:N0} rows from {p.Records:N0} records in {p.Files:N0} files "
                + $"({p.FailedRequests:N0} failed requests and {p.UnreadableRequests:N0} requests without column names skipped).");
        }

        var s = report.Summary;
        console.Info($"{(s.DatasetDrift ? "Dataset drift" : "No dataset drift")}: {s.ColumnsDrifted} of {s.ColumnsChecked} columns drifted " +
            $"(share {s.Share.ToString("0.###", CultureInfo.InvariantCulture)}, drift share {s.DriftShare.ToString("0.###", CultureInfo.InvariantCulture)}).");
    }
}
