using System.CommandLine;
using System.Globalization;
using System.Text;
using Cairn.Client;
using Cairn.Core;
using Cairn.Models;
using Cairn.Models.Package;
using Cairn.Models.Sdk;
using Cairn.Quality.Explain;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn explain -m model -i data.csv</c>: SHAP values (exact TreeSHAP for ML.NET tree ensembles, Kernel SHAP for
/// any other model), partial dependence and ICE, and permutation importance when the data holds the label; written as
/// JSON and a self-contained HTML report, optionally logged to a run.
/// </summary>
internal sealed class ExplainCommand(IConsoleOutput console)
{
    private const int DefaultTreeRows = 1000, DefaultKernelRows = 20, MaxWaterfalls = 50;

    private readonly Option<string> _model = new("--model", "-m")
    {
        Description = "Model to explain: a local model folder, models:/name@alias, models:/name/3, models:/m-<id>, runs:/<run>/<path> or mlflow-artifacts:/….",
        Required = true,
    };

    private readonly Option<string> _input = new("--input", "-i") { Description = "Rows to explain and to draw the background from: CSV with a header, or Parquet.", Required = true };
    private readonly Option<int?> _rows = new("--rows") { Description = $"Explain the first N rows (default {DefaultTreeRows} with TreeSHAP, {DefaultKernelRows} with Kernel SHAP)." };
    private readonly Option<string> _rowIds = new("--row-ids") { Description = "Explain these rows (0-based, comma-separated), each with a waterfall plot." };
    private readonly Option<string> _method = new("--method") { Description = "auto (TreeSHAP for tree ensembles, else Kernel SHAP), tree or kernel.", DefaultValueFactory = _ => "auto" };
    private readonly Option<int?> _background = new("--background")
    {
        Description = $"Background rows sampled from the input: Kernel SHAP's reference set (default {ModelExplainer.DefaultKernelBackground}), or the rows whose paths give TreeSHAP its node cover (default: all, at most {ModelExplainer.MaxTreeBackground}).",
    };

    private readonly Option<int?> _samples = new("--samples") { Description = "Kernel SHAP coalitions per row (default: 2M + 2048, at most 2^M − 2)." };
    private readonly Option<string> _label = new("--label") { Description = "Label column for permutation importance (default: found from the model's training schema)." };
    private readonly Option<string> _class = new("--class")
    {
        Description = "Multiclass models: the class whose score is explained, by its label or 0-based position (required for them; one class per report).",
    };

    private readonly Option<int> _seed = new("--seed") { Description = "Seed for every random choice (background, sampled coalitions, shuffles).", DefaultValueFactory = _ => 42 };
    private readonly Option<string> _json = new("--json") { Description = "Write the explanation as JSON to this file." };
    private readonly Option<string> _html = new("--html") { Description = "Write a self-contained HTML report to this file." };
    private readonly Option<string> _run = new("--run") { Description = "Log the JSON and HTML files as artifacts of this run (under explanations/)." };
    private readonly Option<string> _trackingUri = new("--tracking-uri")
    {
        Description = "Cairn server for registry models and --run (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000).",
    };

    public Command Build()
    {
        var command = new Command("explain", "Explain a model's predictions: SHAP values, partial dependence and ICE, permutation importance.")
        {
            _model, _input, _rows, _rowIds, _method, _background, _samples, _label, _class, _seed, _json, _html, _run, _trackingUri,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        if (Check(result) is { } problem)
        {
            console.Error(problem);
            return ExitCodes.InvalidConfiguration;
        }

        using var client = CairnClient.Create(result.GetValue(_trackingUri));
        LoadedModel model;
        try
        {
            model = await client.LoadModelAsync(result.GetValue(_model)!, cancellationToken);
        }
        catch (Exception error) when (error is ModelPackageException or CairnClientException or CairnException or HttpRequestException or IOException or ArgumentException)
        {
            console.Error($"Cannot load the model: {error.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        using (model)
        {
            try
            {
                var (inputs, label) = await ExplainData.ReadAsync(result.GetValue(_input)!, model, result.GetValue(_label), cancellationToken);
                var method = Enum.Parse<ExplainMethod>(result.GetValue(_method)!, ignoreCase: true);
                var rowIds = RowIds(result, inputs.RowCount, method, model);
                var explanation = ModelExplainer.Explain(model, inputs, label, rowIds, new ExplainOptions
                {
                    Method = method,
                    Background = result.GetValue(_background),
                    KernelSamples = result.GetValue(_samples),
                    Seed = result.GetValue(_seed),
                    Class = result.GetValue(_class),
                }, cancellationToken);
                console.Info($"Explained {rowIds.Count} of {inputs.RowCount} rows");
                await WriteAsync(result, client, explanation, rowIds, cancellationToken);
                return ExitCodes.Success;
            }
            catch (Exception error) when (error is FormatException or NotSupportedException or ArgumentException)
            {
                console.Error(error.Message);
                return ExitCodes.InvalidConfiguration;
            }
            catch (Exception error) when (error is InvalidOperationException or CairnClientException or HttpRequestException or IOException)
            {
                console.Error($"Explanation failed: {error.Message}");
                return ExitCodes.Failure;
            }
        }
    }

    private string? Check(ParseResult result)
    {
        if (result.GetValue(_rows) is { } rows && rows < 1)
        {
            return $"--rows must be at least 1 (got {rows}).";
        }

        if (result.GetValue(_rows) is not null && result.GetValue(_rowIds) is not null)
        {
            return "Give --rows or --row-ids, not both.";
        }

        if (!Enum.TryParse<ExplainMethod>(result.GetValue(_method), ignoreCase: true, out _) || int.TryParse(result.GetValue(_method), out _))
        {
            return $"--method must be auto, tree or kernel (got '{result.GetValue(_method)}').";
        }

        if (result.GetValue(_background) is { } background && background < 1)
        {
            return $"--background must be at least 1 (got {background}).";
        }

        if (result.GetValue(_samples) is { } samples && samples < 2)
        {
            return $"--samples must be at least 2 (got {samples}).";
        }

        return null;
    }

    private List<int> RowIds(ParseResult result, int rowCount, ExplainMethod method, LoadedModel model)
    {
        if (result.GetValue(_rowIds) is { } text)
        {
            var ids = new List<int>();
            foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id >= rowCount)
                {
                    throw new FormatException($"--row-ids: '{part}' is not a row of the input (0 to {rowCount - 1}).");
                }

                ids.Add(id);
            }

            return ids.Count > 0 ? ids : throw new FormatException("--row-ids names no rows.");
        }

        bool tree = method == ExplainMethod.Tree || (method == ExplainMethod.Auto && result.GetValue(_class) is null && model is Cairn.Models.MLNet.MlNetModel mlnet
            && MlNetTreeModel.TryRead(mlnet, mlnet.Signature.Inputs.Columns.Select(c => c.Name ?? "").ToList()) is not null);
        int count = result.GetValue(_rows) ?? (tree ? DefaultTreeRows : DefaultKernelRows);
        return Enumerable.Range(0, Math.Min(count, rowCount)).ToList();
    }

    private async Task WriteAsync(ParseResult result, CairnClient client, Explanation explanation, List<int> rowIds, CancellationToken cancellationToken)
    {
        var importance = explanation.MeanAbsShap();
        console.Table(["feature", "mean |SHAP|"], explanation.Ranking().Select(j => (IReadOnlyList<string>)[explanation.Features[j], ExplanationPlots.Format(importance[j])]));
        console.Info($"{(explanation.Method == "tree" ? "TreeSHAP" : "Kernel SHAP")} of the {explanation.Output}; expected value {ExplanationPlots.Format(explanation.ExpectedValue)}");

        var runId = result.GetValue(_run);
        string? folder = runId is not null && (result.GetValue(_json) is null || result.GetValue(_html) is null)
            ? Directory.CreateTempSubdirectory("cairn-explain-").FullName : null;
        var jsonPath = result.GetValue(_json) ?? (folder is null ? null : Path.Combine(folder, "explanation.json"));
        var htmlPath = result.GetValue(_html) ?? (folder is null ? null : Path.Combine(folder, "explanation.html"));
        try
        {
            if (jsonPath is not null)
            {
                await File.WriteAllTextAsync(jsonPath, ExplanationReport.Json(explanation), new UTF8Encoding(false), cancellationToken);
                console.Info($"Wrote {jsonPath}");
            }

            if (htmlPath is not null)
            {
                int waterfalls = result.GetValue(_rowIds) is not null ? Math.Min(rowIds.Count, MaxWaterfalls) : Math.Min(rowIds.Count, 5);
                var title = $"Explanation of {result.GetValue(_model)}";
                await ExplanationReport.Html(explanation, title, Enumerable.Range(0, waterfalls).ToList()).SaveAsync(htmlPath, cancellationToken);
                console.Info($"Wrote {htmlPath}");
            }

            if (runId is not null)
            {
                var run = await client.GetRunAsync(runId, cancellationToken);
                foreach (var file in new[] { jsonPath!, htmlPath! })
                {
                    await client.UploadFileAsync(run.Info.ArtifactUri, file, "explanations", cancellationToken);
                }

                console.Info($"Logged {Path.GetFileName(jsonPath)} and {Path.GetFileName(htmlPath)} to run {runId} under explanations/");
            }
        }
        finally
        {
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
