using Cairn.Core;
using Cairn.Core.Artifacts;
using Cairn.Core.Registry;
using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Registry;

/// <summary>
/// Resolves a model URI to the storage Cairn manages. A client-given source never steers the server to a
/// local file or a URL: only runs:/, models:/ and mlflow-artifacts:/ locations are accepted.
/// </summary>
internal static class ModelSources
{
    public const string ManagedPrefix = "mlflow-artifacts:/";

    /// <summary>Marks MLflow 3 prompts (registered models) and prompt versions.</summary>
    public const string PromptTag = "mlflow.prompt.is_prompt";

    /// <summary>
    /// Resolves the source and copies its files into the version's own folder (<c>models/&lt;id&gt;</c>), so the version
    /// keeps working whatever later happens to the run or path it came from.
    /// </summary>
    public static async Task<(string StorageLocation, string? RunId)> StoreVersionFilesAsync(
        string source, string? modelId, ITrackingStore tracking, ILoggedModelStore loggedModels, IModelRegistryStore registry, IArtifactStore artifacts,
        CancellationToken cancellationToken)
    {
        // A version registered from an MLflow 3 logged model takes its files and run from that model.
        var (location, runId) = string.IsNullOrEmpty(modelId)
            ? await ResolveAsync(source, tracking, loggedModels, registry, artifacts, cancellationToken)
            : await ResolveAsync("models:/" + modelId, tracking, loggedModels, registry, artifacts, cancellationToken);
        if (!location.StartsWith(ManagedPrefix, StringComparison.Ordinal))
        {
            throw CairnException.InvalidParameter($"Invalid source '{source}': it names a version without files in managed storage (a prompt version?).");
        }

        var own = ArtifactPath.Parse("models/" + Guid.NewGuid().ToString("N"));
        await artifacts.CopyAsync(ArtifactPath.Parse(location[ManagedPrefix.Length..]), own, cancellationToken);
        return (ManagedPrefix + own.Value, runId);
    }

    public static async Task<(string StorageLocation, string? RunId)> ResolveAsync(
        string source, ITrackingStore tracking, ILoggedModelStore loggedModels, IModelRegistryStore registry, IArtifactStore artifacts,
        CancellationToken cancellationToken)
    {
        switch (ModelUri.Parse(source))
        {
            case LoggedModelUri logged:
                var model = await loggedModels.GetLoggedModelAsync(logged.ModelId, false, cancellationToken)
                    ?? throw CairnException.InvalidParameter($"Invalid source '{source}': logged model {logged.ModelId} does not exist.");
                return (model.ArtifactUri, model.SourceRunId);
            case RunArtifactUri run:
                var info = await tracking.GetRunInfoAsync(new RunId(run.RunId), cancellationToken)
                    ?? throw CairnException.InvalidParameter($"Invalid source '{source}': run {run.RunId} does not exist.");
                return (await RunModels.LocateAsync(info, run.Path, loggedModels, artifacts, cancellationToken), info.RunId.Value);
            case ManagedArtifactUri artifact:
                return ($"mlflow-artifacts:/{artifact.Path}", null);
            case var modelUri:
                var version = await ResolveVersionAsync(modelUri, registry, cancellationToken);
                return (version.StorageLocation, version.RunId);
        }
    }

    public static async Task<ModelVersion> ResolveVersionAsync(ModelUri uri, IModelRegistryStore registry, CancellationToken cancellationToken)
    {
        switch (uri)
        {
            case ModelVersionUri v:
                return await registry.GetVersionAsync(v.Name, v.Version, cancellationToken);
            case ModelAliasUri a:
                return await registry.GetVersionByAliasAsync(a.Name, a.Alias, cancellationToken);
            case ModelStageUri s:
                return (await registry.GetLatestVersionsAsync(s.Name, [s.Stage], cancellationToken)).FirstOrDefault()
                    ?? throw CairnException.NotFound($"Registered model {s.Name} has no version in stage {s.Stage}.");
            case ModelLatestUri l:
                return (await registry.GetLatestVersionsAsync(l.Name, [], cancellationToken)).MaxBy(v => v.Version)
                    ?? throw CairnException.NotFound($"Registered model {l.Name} has no versions.");
            default:
                throw CairnException.InvalidParameter("Expected a models:/ URI.");
        }
    }
}
