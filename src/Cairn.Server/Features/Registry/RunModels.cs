using Cairn.Core.Artifacts;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Registry;

/// <summary>
/// Where <c>runs:/&lt;run&gt;/&lt;path&gt;</c> points: a model saved the 2.x way (an MLmodel file in the run's artifacts at that
/// path) wins; otherwise the run's MLflow 3 logged model named like the path, as MLflow 3 clients resolve it.
/// </summary>
internal static class RunModels
{
    private const string MlModelFile = "MLmodel";

    public static async Task<string> LocateAsync(RunInfo run, string path, ILoggedModelStore loggedModels, IArtifactStore artifacts,
        CancellationToken cancellationToken)
    {
        var folder = $"{run.ExperimentId}/{run.RunId}/artifacts" + (path.Length == 0 ? "" : "/" + path);
        var files = await artifacts.ListAsync(ArtifactPath.Parse(folder), cancellationToken);
        if (path.Length == 0 || files.Any(f => !f.IsDirectory && f.Name == MlModelFile))
        {
            return ModelSources.ManagedPrefix + folder;
        }

        var model = await FindLoggedModelAsync(run, path, loggedModels, cancellationToken);
        return model?.ArtifactUri ?? ModelSources.ManagedPrefix + folder;
    }

    /// <summary>The run's logged model of that name; with several, the one output at the highest step, then the newest.</summary>
    private static async Task<LoggedModel?> FindLoggedModelAsync(RunInfo run, string name, ILoggedModelStore loggedModels, CancellationToken cancellationToken)
    {
        var filter = new List<Comparison>
        {
            new(FilterEntity.Attribute, "name", Comparator.Equal, new StringValue(name)),
            new(FilterEntity.Attribute, "source_run_id", Comparator.Equal, new StringValue(run.RunId.Value)),
        };
        var found = await loggedModels.SearchLoggedModelsAsync(new LoggedModelQuery([run.ExperimentId], filter, 100, 0), cancellationToken);
        if (found.Items.Count <= 1)
        {
            return found.Items.FirstOrDefault();
        }

        var steps = (await loggedModels.GetOutputsAsync(run.RunId, cancellationToken)).ToDictionary(o => o.ModelId, o => o.Step);
        return found.Items.OrderByDescending(m => steps.TryGetValue(m.ModelId, out var step) ? step : long.MinValue)
            .ThenByDescending(m => m.CreationTimestampMs).First();
    }
}
