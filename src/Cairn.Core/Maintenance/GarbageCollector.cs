using Cairn.Core.Artifacts;

namespace Cairn.Core.Maintenance;

public enum GarbageKind
{
    Run,
    Experiment,
    ModelFiles,
}

/// <summary>One thing gc removed (or, in a dry run, would remove).</summary>
public sealed record GarbageItem(GarbageKind Kind, string Id, string Description);

/// <summary>
/// <c>cairn gc</c> (MLflow's <c>mlflow gc</c>): permanently removes runs and experiments deleted before a cut-off,
/// with their artifacts, and model-version folders (<c>models/&lt;id&gt;</c>) that no registry version uses.
/// Artifacts go first and metadata after, so a storage failure leaves the entity in place for the next gc
/// rather than leaving files nothing points at.
/// </summary>
public sealed class GarbageCollector(IPurgeStore purge, IArtifactStore artifacts, TimeProvider time)
{
    private const string ManagedPrefix = "mlflow-artifacts:/";
    private static readonly ArtifactPath ModelsRoot = ArtifactPath.Parse("models");

    /// <summary>
    /// Version files are copied before the version row is written; a folder written to this recently may belong to
    /// a version being created right now, whatever the retention says.
    /// </summary>
    public static readonly TimeSpan ModelFilesGrace = TimeSpan.FromMinutes(10);

    public async Task<IReadOnlyList<GarbageItem>> CollectAsync(TimeSpan olderThan, bool dryRun, Action<GarbageItem> report, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now - olderThan;
        var removed = new List<GarbageItem>();

        foreach (var run in await purge.ListDeletedRunsAsync(cutoff, cancellationToken))
        {
            var item = new GarbageItem(GarbageKind.Run, run.RunId.Value, $"run {run.RunId} (experiment {run.ExperimentId}, deleted {run.DeletedAt:u})");
            if (dryRun || await PurgeAsync(RunArtifactFolder.Of(run.RunId, run.ExperimentId, run.ArtifactUri), () => purge.PurgeRunAsync(run.RunId, cancellationToken), cancellationToken))
            {
                removed.Add(item);
                report(item);
            }
        }

        foreach (var experiment in await purge.ListDeletedExperimentsAsync(cutoff, cancellationToken))
        {
            var item = new GarbageItem(GarbageKind.Experiment, experiment.ExperimentId.ToString(),
                $"experiment {experiment.ExperimentId} '{experiment.Name}' (deleted {experiment.DeletedAt:u})");
            if (dryRun || await PurgeExperimentAsync(experiment.ExperimentId, cancellationToken))
            {
                removed.Add(item);
                report(item);
            }
        }

        var modelCutoff = now - (olderThan > ModelFilesGrace ? olderThan : ModelFilesGrace);
        foreach (var folder in await UnusedModelFoldersAsync(modelCutoff, cancellationToken))
        {
            var item = new GarbageItem(GarbageKind.ModelFiles, folder.Name, $"model files {folder} (no registry version uses them)");
            if (!dryRun)
            {
                await artifacts.DeleteAsync(folder, cancellationToken);
            }

            removed.Add(item);
            report(item);
        }

        return removed;
    }

    private async Task<bool> PurgeAsync(ArtifactPath artifactFolder, Func<Task<bool>> purgeMetadata, CancellationToken cancellationToken)
    {
        await artifacts.DeleteAsync(artifactFolder, cancellationToken);
        return await purgeMetadata();
    }

    /// <summary>The experiment's folder goes, except the folders of runs moved out of it, which now belong elsewhere.</summary>
    private async Task<bool> PurgeExperimentAsync(Tracking.ExperimentId id, CancellationToken cancellationToken)
    {
        var folder = ArtifactPath.Parse(id.ToString());
        var kept = await purge.ListRunFoldersKeptUnderAsync(id, cancellationToken);
        if (kept.Count == 0)
        {
            return await PurgeAsync(folder, () => purge.PurgeExperimentAsync(id, cancellationToken), cancellationToken);
        }

        foreach (var entry in await artifacts.ListAsync(folder, cancellationToken))
        {
            if (!kept.Contains(entry.Name))
            {
                await artifacts.DeleteAsync(folder.Combine(entry.Name), cancellationToken);
            }
        }

        return await purge.PurgeExperimentAsync(id, cancellationToken);
    }

    private async Task<List<ArtifactPath>> UnusedModelFoldersAsync(DateTimeOffset writtenBefore, CancellationToken cancellationToken)
    {
        var used = await purge.ListModelVersionLocationsAsync(cancellationToken);
        var unused = new List<ArtifactPath>();
        foreach (var entry in await artifacts.ListAsync(ModelsRoot, cancellationToken))
        {
            var folder = ModelsRoot.Combine(entry.Name);
            if (!entry.IsDirectory || used.Contains(ManagedPrefix + folder.Value))
            {
                continue;
            }

            var written = await LastWriteAsync(folder, cancellationToken);
            if (written is null || written < writtenBefore)
            {
                unused.Add(folder);
            }
        }

        return unused;
    }

    /// <summary>The newest file time anywhere below a folder, or null when it holds no file.</summary>
    private async Task<DateTimeOffset?> LastWriteAsync(ArtifactPath folder, CancellationToken cancellationToken)
    {
        DateTimeOffset? newest = null;
        foreach (var entry in await artifacts.ListAsync(folder, cancellationToken))
        {
            var time = entry.IsDirectory ? await LastWriteAsync(folder.Combine(entry.Name), cancellationToken) : entry.LastModified;
            if (time is not null && (newest is null || time > newest))
            {
                newest = time;
            }
        }

        return newest;
    }
}
