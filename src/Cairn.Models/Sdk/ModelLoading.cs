using Cairn.Client;
using Cairn.Core.Registry;
using Cairn.Models.Package;

namespace Cairn.Models.Sdk;

/// <summary>Finds a model by any URI the registry knows, downloads its package and loads it.</summary>
public static class ModelLoading
{
    /// <summary>
    /// Loads <c>models:/name@alias</c>, <c>models:/name/3</c>, <c>models:/name/Production</c>, <c>models:/name/latest</c>,
    /// <c>models:/m-…</c>, <c>runs:/run_id/path</c> (a 2.x model in the run's artifacts, or the run's logged model of that name),
    /// <c>mlflow-artifacts:/…</c>, or a local model directory.
    /// </summary>
    public static Task<LoadedModel> LoadModelAsync(this CairnClient client, string modelUri, CancellationToken cancellationToken = default) =>
        LoadModelAsync(client, modelUri, ModelLoadOptions.Default, cancellationToken);

    /// <summary>Loads a model by any URI <see cref="LoadModelAsync(CairnClient, string, CancellationToken)"/> takes, with the given options.</summary>
    public static async Task<LoadedModel> LoadModelAsync(this CairnClient client, string modelUri, ModelLoadOptions options, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(modelUri) || modelUri.StartsWith("file://", StringComparison.Ordinal))
        {
            return await ModelPackage.LoadAsync(modelUri.StartsWith("file://", StringComparison.Ordinal) ? new Uri(modelUri).LocalPath : modelUri, options, cancellationToken);
        }

        var location = await ResolveAsync(client, modelUri, cancellationToken);
        var directory = Directory.CreateTempSubdirectory("cairn-load-").FullName;
        await client.DownloadArtifactsAsync(location, null, directory, cancellationToken);
        if (!File.Exists(Path.Combine(directory, MlModelFile.FileName)))
        {
            Directory.Delete(directory, recursive: true);
            throw new ModelPackageException($"'{modelUri}' resolves to {location}, which holds no {MlModelFile.FileName} file.");
        }

        return await ModelPackage.LoadAsync(directory, options, cancellationToken);
    }

    /// <summary>The <c>mlflow-artifacts:/…</c> location holding the package a model URI names.</summary>
    public static async Task<string> ResolveAsync(this CairnClient client, string modelUri, CancellationToken cancellationToken = default)
    {
        switch (ModelUri.Parse(modelUri))
        {
            case LoggedModelUri logged:
                return (await client.GetLoggedModelAsync(logged.ModelId, cancellationToken)).Info.ArtifactUri;
            case ManagedArtifactUri artifact:
                return "mlflow-artifacts:/" + artifact.Path;
            case RunArtifactUri run:
                return await ResolveRunAsync(client, run, cancellationToken);
            case ModelVersionUri version:
                return await client.GetModelVersionDownloadUriAsync(version.Name, version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            case ModelAliasUri alias:
                var byAlias = await client.GetModelVersionByAliasAsync(alias.Name, alias.Alias, cancellationToken);
                return await client.GetModelVersionDownloadUriAsync(alias.Name, byAlias.Version, cancellationToken);
            case ModelStageUri stage:
                var inStage = (await client.GetLatestVersionsAsync(stage.Name, [stage.Stage], cancellationToken)).FirstOrDefault()
                    ?? throw new ModelPackageException($"Registered model '{stage.Name}' has no version in stage {stage.Stage}.");
                return await client.GetModelVersionDownloadUriAsync(stage.Name, inStage.Version, cancellationToken);
            case ModelLatestUri latest:
                var newest = (await client.GetLatestVersionsAsync(latest.Name, null, cancellationToken)).MaxBy(v => long.Parse(v.Version, System.Globalization.CultureInfo.InvariantCulture))
                    ?? throw new ModelPackageException($"Registered model '{latest.Name}' has no versions.");
                return await client.GetModelVersionDownloadUriAsync(latest.Name, newest.Version, cancellationToken);
            default:
                throw new ModelPackageException($"Cannot load '{modelUri}'.");
        }
    }

    /// <summary>A 2.x model sits in the run's artifacts; a 3.x one is the run's logged model named like the path (the newest wins).</summary>
    private static async Task<string> ResolveRunAsync(CairnClient client, RunArtifactUri uri, CancellationToken cancellationToken)
    {
        var run = await client.GetRunAsync(uri.RunId, cancellationToken);
        var files = await client.ListArtifactsAsync(run.Info.ArtifactUri, uri.Path, cancellationToken);
        if (files.Any(f => !f.IsDir && f.Path.EndsWith("/" + MlModelFile.FileName, StringComparison.Ordinal) || f.Path == MlModelFile.FileName))
        {
            return run.Info.ArtifactUri.TrimEnd('/') + (uri.Path.Length == 0 ? "" : "/" + uri.Path);
        }

        var escaped = uri.Path.Replace("'", "\\'", StringComparison.Ordinal);
        var models = await client.SearchLoggedModelsAsync([run.Info.ExperimentId], $"name = '{escaped}' AND source_run_id = '{uri.RunId}'", cancellationToken);
        var model = models.MaxBy(m => m.Info.CreationTimestampMs)
            ?? throw new ModelPackageException($"Run {uri.RunId} has no model at '{uri.Path}' (neither an MLmodel file there nor a logged model of that name).");
        return model.Info.ArtifactUri;
    }
}
