using Cairn.Core.Tracking;

namespace Cairn.Core.Maintenance;

public sealed record DeletedRun(RunId RunId, ExperimentId ExperimentId, DateTimeOffset DeletedAt);

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

    /// <summary>Removes a run and everything it owns; false when it is gone or no longer deleted (restored meanwhile).</summary>
    Task<bool> PurgeRunAsync(RunId id, CancellationToken cancellationToken);

    /// <summary>Removes an experiment with its runs, logged models and datasets; false when it is gone or restored.</summary>
    Task<bool> PurgeExperimentAsync(ExperimentId id, CancellationToken cancellationToken);
}
