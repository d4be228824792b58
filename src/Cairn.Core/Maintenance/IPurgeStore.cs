using Cairn.Core.Tracking;

namespace Cairn.Core.Maintenance;

/// <summary>A deleted run; its artifact URI names its folder, which a run moved between experiments keeps.</summary>
public sealed record DeletedRun(RunId RunId, ExperimentId ExperimentId, DateTimeOffset DeletedAt, string? ArtifactUri = null);

public sealed record DeletedExperiment(ExperimentId ExperimentId, string Name, DateTimeOffset DeletedAt);

/// <summary>
/// Permanent removal of what users soft-deleted (<c>cairn gc</c>). A run's deletion time is its <c>deleted_time</c>;
/// an experiment's is its last update, since a deleted experiment can be neither renamed nor tagged (as in MLflow).
/// </summary>
public interface IPurgeStore
{
    Task<IReadOnlyList<DeletedRun>> ListDeletedRunsAsync(DateTimeOffset deletedBefore, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeletedExperiment>> ListDeletedExperimentsAsync(DateTimeOffset deletedBefore, CancellationToken cancellationToken);

    /// <summary>Storage locations (<c>mlflow-artifacts:/models/…</c>) of every model version not deleted.</summary>
    Task<IReadOnlySet<string>> ListModelVersionLocationsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Ids of runs now in other experiments whose files are still under this experiment's folder (they were moved out
    /// of it): purging the experiment must leave their folders alone.
    /// </summary>
    Task<IReadOnlySet<string>> ListRunFoldersKeptUnderAsync(ExperimentId id, CancellationToken cancellationToken);

    /// <summary>Removes a run and everything it owns; false when it is gone or no longer deleted (restored meanwhile).</summary>
    Task<bool> PurgeRunAsync(RunId id, CancellationToken cancellationToken);

    /// <summary>Removes an experiment with its runs, logged models and datasets; false when it is gone or restored.</summary>
    Task<bool> PurgeExperimentAsync(ExperimentId id, CancellationToken cancellationToken);
}
