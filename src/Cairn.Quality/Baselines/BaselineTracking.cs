using System.Text;
using System.Text.Json;
using Cairn.Client;
using Cairn.Contracts.Mlflow;
using Cairn.Quality.Drift;

namespace Cairn.Quality.Baselines;

/// <summary>
/// Baselines and drift reports on a tracking server: logged as run artifacts (<c>baseline/baseline.json</c>,
/// <c>drift/drift.json</c>, <c>drift/drift.html</c>), linked from a model version by its <c>cairn.baseline</c> tag, and
/// read back from <c>runs:/RUN/PATH</c> or <c>models:/NAME/VERSION</c>. A run's training data is found from its
/// dataset input (a local file source, as <c>cairn train</c> logs it) and its <c>label</c> param.
/// </summary>
public sealed class BaselineTracking(CairnClient client)
{
    public const string ArtifactDirectory = "baseline";
    public const string ArtifactFile = "baseline.json";
    public const string ArtifactPath = ArtifactDirectory + "/" + ArtifactFile;
    public const string DriftDirectory = "drift";

    /// <summary>The tag (on the run and on model versions) holding where the baseline is.</summary>
    public const string Tag = "cairn.baseline";

    /// <summary>Uploads the baseline to the run's artifacts and tags the run; returns its <c>runs:/</c> URI.</summary>
    public async Task<string> LogBaselineAsync(string runId, Baseline baseline, CancellationToken cancellationToken = default)
    {
        var run = await client.GetRunAsync(runId, cancellationToken);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(baseline.ToJson()));
        await client.UploadArtifactAsync(run.Info.ArtifactUri, ArtifactPath, content, cancellationToken);
        var uri = $"runs:/{runId}/{ArtifactPath}";
        await client.SetTagAsync(runId, Tag, uri, cancellationToken);
        return uri;
    }

    /// <summary>The run behind a model version (<c>NAME/VERSION</c> or <c>models:/NAME/VERSION</c>): its run id, or its logged model's source run.</summary>
    public async Task<(string Name, string Version, string RunId)> ModelVersionRunAsync(string model, CancellationToken cancellationToken = default)
    {
        var (name, version) = ParseModel(model);
        var modelVersion = await client.GetModelVersionAsync(name, version, cancellationToken);
        var runId = modelVersion.RunId;
        if (string.IsNullOrEmpty(runId) && modelVersion.Source.StartsWith("models:/m-", StringComparison.Ordinal))
        {
            runId = (await client.GetLoggedModelAsync(modelVersion.Source["models:/".Length..], cancellationToken)).Info.SourceRunId;
        }

        return string.IsNullOrEmpty(runId)
            ? throw new DriftInputException($"model version {name}/{version} has no run to attach a baseline to.")
            : (name, version, runId);
    }

    public Task TagModelVersionAsync(string name, string version, string baselineUri, CancellationToken cancellationToken = default) =>
        client.SetModelVersionTagAsync(name, version, Tag, baselineUri, cancellationToken);

    /// <summary>Reads a baseline from <c>runs:/RUN/PATH</c> or <c>models:/NAME/VERSION</c> (through the version's tag).</summary>
    public async Task<Baseline> DownloadBaselineAsync(string uri, CancellationToken cancellationToken = default)
    {
        if (uri.StartsWith("models:/", StringComparison.Ordinal))
        {
            var (name, version) = ParseModel(uri);
            var modelVersion = await client.GetModelVersionAsync(name, version, cancellationToken);
            var tag = modelVersion.Tags?.FirstOrDefault(t => t.Key == Tag)?.Value
                ?? throw new DriftInputException($"model version {name}/{version} has no '{Tag}' tag: create its baseline with `cairn baseline create --model {name}/{version}`.");
            uri = tag;
        }

        if (!uri.StartsWith("runs:/", StringComparison.Ordinal) || uri["runs:/".Length..].Split('/', 2) is not [{ Length: > 0 } runId, { Length: > 0 } path])
        {
            throw new DriftInputException($"'{uri}' is not a runs:/RUN_ID/PATH or models:/NAME/VERSION URI.");
        }

        var run = await client.GetRunAsync(runId, cancellationToken);
        await using var stream = await client.OpenArtifactAsync(run.Info.ArtifactUri, path, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return await Baseline.ReadAsync(buffer, uri, cancellationToken);
    }

    /// <summary>The local training file and label of a run, from its dataset input (source type local) and its <c>label</c> param.</summary>
    public async Task<(string Path, string? Label)> RunTrainingDataAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await client.GetRunAsync(runId, cancellationToken);
        var label = run.Data.Params?.FirstOrDefault(p => p.Key == "label")?.Value;
        var inputs = run.Inputs?.DatasetInputs ?? [];
        var training = inputs.FirstOrDefault(i => i.Tags?.Any(t => t.Key == "mlflow.data.context" && t.Value == "training") == true) ?? inputs.FirstOrDefault();
        if (training?.Dataset is not { } dataset)
        {
            throw new DriftInputException($"run {runId} has no dataset input; give the training data with -i.");
        }

        string? path = null;
        if (dataset.SourceType == "local" && !string.IsNullOrEmpty(dataset.Source))
        {
            try
            {
                using var source = JsonDocument.Parse(dataset.Source);
                path = source.RootElement.TryGetProperty("uri", out var value) ? value.GetString() : null;
            }
            catch (JsonException)
            {
                path = null;
            }
        }

        if (path is not null && path.StartsWith("file://", StringComparison.Ordinal))
        {
            path = new Uri(path).LocalPath;
        }

        if (path is null || !File.Exists(path))
        {
            throw new DriftInputException($"run {runId}'s dataset '{dataset.Name}' ({dataset.SourceType} {dataset.Source}) is not a file on this machine; give the training data with -i.");
        }

        return (path, label);
    }

    /// <summary>Uploads the drift report (JSON and HTML) under <c>drift/</c> and logs its headline numbers as run metrics.</summary>
    public async Task LogDriftAsync(string runId, DriftReport report, string html, CancellationToken cancellationToken = default)
    {
        var run = await client.GetRunAsync(runId, cancellationToken);
        using (var json = new MemoryStream(Encoding.UTF8.GetBytes(report.ToJson())))
        {
            await client.UploadArtifactAsync(run.Info.ArtifactUri, DriftDirectory + "/drift.json", json, cancellationToken);
        }

        using (var page = new MemoryStream(Encoding.UTF8.GetBytes(html)))
        {
            await client.UploadArtifactAsync(run.Info.ArtifactUri, DriftDirectory + "/drift.html", page, cancellationToken);
        }

        long now = client.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await client.LogBatchAsync(runId,
        [
            new MetricDto("drift_share", report.Summary.Share, now, 0),
            new MetricDto("drift_columns_drifted", report.Summary.ColumnsDrifted, now, 0),
            new MetricDto("drift_dataset", report.Summary.DatasetDrift ? 1 : 0, now, 0),
        ], cancellationToken: cancellationToken);
    }

    private static (string Name, string Version) ParseModel(string model)
    {
        var text = model.StartsWith("models:/", StringComparison.Ordinal) ? model["models:/".Length..] : model;
        int slash = text.LastIndexOf('/');
        return slash > 0 && slash < text.Length - 1
            ? (text[..slash], text[(slash + 1)..])
            : throw new DriftInputException($"'{model}' is not a model version: use NAME/VERSION or models:/NAME/VERSION.");
    }
}
