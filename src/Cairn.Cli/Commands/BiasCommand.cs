using System.CommandLine;
using System.Text;
using Cairn.Client;
using Cairn.Core;
using Cairn.Models;
using Cairn.Models.Package;
using Cairn.Models.Sdk;
using Cairn.Quality.Bias;
using Cairn.Training.Data;

namespace Cairn.Cli.Commands;

/// <summary>
/// <c>cairn bias</c>: Clarify's pre- and post-training bias metrics and a Fairlearn-style per-group frame for one facet
/// of a data set, with predictions from a model or from a column; JSON and HTML reports, optionally logged to a run.
/// </summary>
internal sealed class BiasCommand(IConsoleOutput console)
{
    private const string ArtifactDirectory = "bias";

    private readonly Option<string> _model = new("--model", "-m")
    {
        Description = "Model that predicts the labels: models:/name@alias, models:/name/3, runs:/<run>/<path>, models:/m-<id>, or a local model folder. "
            + "Without it (and without --predictions) only pre-training metrics are computed.",
    };

    private readonly Option<string> _input = new("--input", "-i") { Description = "Data with the facet and label columns (CSV with a header, or .parquet).", Required = true };
    private readonly Option<string> _facet = new("--facet") { Description = "The sensitive attribute column.", Required = true };
    private readonly Option<string[]> _facetValues = new("--facet-value") { Description = "Facet value(s) forming the sensitive group d (repeat for several).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<double?> _facetThreshold = new("--facet-threshold") { Description = "For a numeric facet: rows with facet > T form the sensitive group d." };
    private readonly Option<string> _label = new("--label") { Description = "The observed label column.", Required = true };
    private readonly Option<string[]> _positive = new("--positive") { Description = "Label value(s) that count as positive (default: true/1/yes).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<double?> _labelThreshold = new("--label-threshold") { Description = "For a numeric label: label > T is positive." };
    private readonly Option<string> _group = new("--group") { Description = "Stratum column for conditional demographic disparity (CDDL, CDDPL)." };
    private readonly Option<string[]> _intersect = new("--intersect")
    {
        Description = "More sensitive column(s): the per-group frame groups rows by the facet and these together (repeat for several).",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string> _sampleWeight = new("--sample-weight") { Description = "Column of non-negative row weights for the per-group frame (Fairlearn's sample_weight)." };
    private readonly Option<string[]> _control = new("--control")
    {
        Description = "Control column(s): the per-group frame is also computed within each of their strata (Fairlearn's control_features).",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string> _predictions = new("--predictions") { Description = "Use this column's predicted labels instead of a model." };
    private readonly Option<double?> _probabilityThreshold = new("--probability-threshold")
    {
        Description = "Predictions are scores: a score above T is a positive prediction (with a model, its Probability output).",
    };

    private readonly Option<string> _json = new("--json") { Description = "Write the report as JSON to this file ('-' for stdout)." };
    private readonly Option<string> _html = new("--html") { Description = "Write the report as a self-contained HTML page to this file." };
    private readonly Option<string> _run = new("--run") { Description = "Log bias.json and bias.html as artifacts of this run (under bias/)." };
    private readonly Option<bool> _clarifyCompat = new("--clarify-compat") { Description = "Drop label values missing from either group before KL/JS/LP/TVD/KS, as Clarify does." };

    private readonly Option<string> _trackingUri = new("--tracking-uri")
    {
        Description = "Cairn server for registry models and --run (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000).",
    };

    public Command Build()
    {
        var command = new Command("bias", "Measure bias of labels and predictions for a facet (SageMaker Clarify metrics, Fairlearn metric frame).")
        {
            _model, _input, _facet, _facetValues, _facetThreshold, _label, _positive, _labelThreshold, _group, _intersect, _sampleWeight, _control, _predictions, _probabilityThreshold,
            _json, _html, _run, _clarifyCompat, _trackingUri,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var spec = new BiasSpec
        {
            Facet = result.GetValue(_facet)!,
            FacetValues = result.GetValue(_facetValues) ?? [],
            FacetThreshold = result.GetValue(_facetThreshold),
            Label = result.GetValue(_label)!,
            PositiveValues = result.GetValue(_positive) ?? [],
            LabelThreshold = result.GetValue(_labelThreshold),
            Group = result.GetValue(_group),
            PredictionColumn = result.GetValue(_predictions),
            ProbabilityThreshold = result.GetValue(_probabilityThreshold),
            Intersect = result.GetValue(_intersect) ?? [],
            SampleWeight = result.GetValue(_sampleWeight),
            Control = result.GetValue(_control) ?? [],
        };
        var modelUri = result.GetValue(_model);
        var input = result.GetValue(_input)!;
        if (modelUri is not null && spec.PredictionColumn is not null)
        {
            console.Error("Give either --model or --predictions, not both.");
            return ExitCodes.InvalidConfiguration;
        }

        RawTable raw;
        try
        {
            raw = input.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
                ? await ParquetTable.ReadAsync(input, cancellationToken)
                : CsvTable.Read(input, ',', header: true, skipRows: 0, names: null);
        }
        catch (Exception error) when (error is FormatException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            console.Error($"--input: cannot read '{input}': {error.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        using var client = CairnClient.Create(result.GetValue(_trackingUri));
        BiasResult analysis;
        try
        {
            IReadOnlyList<string>? predicted = null;
            IReadOnlyList<string>? features = null;
            if (modelUri is not null)
            {
                // The label, and a stratum or facet the model does not take, are not model inputs; the signature decides.
                using var model = await LoadAsync(client, modelUri, cancellationToken);
                console.Info($"Predicting {raw.Rows.Count} rows with {modelUri} ({model.Flavor})");
                predicted = ModelPredictions.Predict(model, raw, [spec.Label], spec.ProbabilityThreshold is not null, out features);
            }

            var data = BiasTable.Build(raw, spec, predicted, features);
            analysis = BiasAnalysis.Run(data, new BiasOptions { ClarifyCompat = result.GetValue(_clarifyCompat) });
        }
        catch (BiasInputException error)
        {
            console.Error(error.Message);
            return ExitCodes.InvalidConfiguration;
        }
        catch (ArgumentException error)
        {
            console.Error(error.Message);
            return ExitCodes.InvalidConfiguration;
        }
        catch (Exception error) when (error is ModelPackageException or CairnClientException or CairnException or HttpRequestException or IOException)
        {
            console.Error($"--model: cannot load '{modelUri}': {error.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        var source = new BiasReportSource(input, spec, modelUri);
        Summarise(analysis, table: result.GetValue(_json) != "-");
        return await WriteAsync(result, client, analysis, source, cancellationToken);
    }

    private static async Task<LoadedModel> LoadAsync(CairnClient client, string modelUri, CancellationToken cancellationToken)
    {
        if (!modelUri.Contains(":/", StringComparison.Ordinal) && !Directory.Exists(modelUri))
        {
            throw new ModelPackageException($"no model folder or model URI '{modelUri}'.");
        }

        return await client.LoadModelAsync(modelUri, cancellationToken);
    }

    /// <summary>The metrics as a table on stdout, unless stdout carries the JSON report.</summary>
    private void Summarise(BiasResult analysis, bool table)
    {
        console.Info($"Sensitive group d: {analysis.Counts.D.Rows} rows; other rows a: {analysis.Counts.A.Rows}.");
        if (table)
        {
            console.Table(
                ["metric", "value", "passes when", "flagged"],
                analysis.All.Select(m => (IReadOnlyList<string>)[m.Code, BiasReport.Format(m.Value), m.Rule, m.Flagged ? "yes" : ""]));
        }

        foreach (var note in analysis.Notes)
        {
            console.Info(note);
        }

        var flagged = analysis.All.Where(m => m.Flagged).Select(m => m.Code).ToList();
        console.Info(flagged.Count == 0 ? "No metric is outside its fair range." : $"Outside their fair range: {string.Join(", ", flagged)}.");
    }

    private async Task<int> WriteAsync(ParseResult result, CairnClient client, BiasResult analysis, BiasReportSource source, CancellationToken cancellationToken)
    {
        var json = BiasReport.Json(analysis, source);
        var html = BiasReport.Html(analysis, source);
        var jsonPath = result.GetValue(_json);
        var htmlPath = result.GetValue(_html);
        try
        {
            if (jsonPath == "-")
            {
                console.Data(json.TrimEnd('\n'));
            }
            else if (jsonPath is not null)
            {
                await File.WriteAllTextAsync(jsonPath, json, new UTF8Encoding(false), cancellationToken);
                console.Info($"Wrote {jsonPath}");
            }

            if (htmlPath is not null)
            {
                await File.WriteAllTextAsync(htmlPath, html, new UTF8Encoding(false), cancellationToken);
                console.Info($"Wrote {htmlPath}");
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            console.Error($"Cannot write the report: {error.Message}");
            return ExitCodes.Failure;
        }

        if (result.GetValue(_run) is not { } runId)
        {
            return ExitCodes.Success;
        }

        var folder = Directory.CreateTempSubdirectory("cairn-bias-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, BiasReport.JsonFile), json, new UTF8Encoding(false), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, BiasReport.HtmlFile), html, new UTF8Encoding(false), cancellationToken);
            var run = await client.GetRunAsync(runId, cancellationToken);
            await client.UploadDirectoryAsync(run.Info.ArtifactUri, folder, ArtifactDirectory, cancellationToken);
            console.Info($"Logged {ArtifactDirectory}/{BiasReport.JsonFile} and {ArtifactDirectory}/{BiasReport.HtmlFile} to run {runId}");
            return ExitCodes.Success;
        }
        catch (Exception error) when (error is CairnClientException or HttpRequestException)
        {
            console.Error($"--run: cannot log the report to run '{runId}': {error.Message}");
            return error is CairnClientException { StatusCode: 404 } ? ExitCodes.InvalidConfiguration : ExitCodes.Failure;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
