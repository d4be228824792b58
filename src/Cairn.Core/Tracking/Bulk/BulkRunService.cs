using System.Runtime.CompilerServices;
using Cairn.Core.Artifacts;
using Cairn.Core.Maintenance;
using Cairn.Core.Validation;

namespace Cairn.Core.Tracking.Bulk;

/// <summary>
/// Bulk actions on runs — tag, move, delete, restore, purge — over a selection or a whole filter result. Runs are
/// walked by key in batches of <see cref="BulkRunOptions.BatchSize"/>, each batch one transaction, so memory stays
/// bounded whatever the result size. Reversible actions leave an undo record for <see cref="BulkRunOptions.UndoWindow"/>.
/// A purge is <c>cairn gc</c> for chosen runs: only deleted runs, artifacts first and metadata after.
/// </summary>
public sealed class BulkRunService(ITrackingStore tracking, IBulkRunStore store, IPurgeStore purge, IArtifactStore artifacts, BulkUndoLog undoLog,
    BulkRunOptions options)
{
    public BulkRunOptions Options => options;

    public async Task<BulkPreview> PreviewAsync(BulkSelection selection, CancellationToken cancellationToken)
    {
        Validate(selection);
        long runs = selection.Filter is { } filter ? await store.CountMatchingAsync(filter, cancellationToken) : 0;
        long bytes = 0, sized = 0;
        await foreach (var (found, _) in BatchesAsync(selection, cancellationToken))
        {
            if (selection.RunIds is not null)
            {
                runs += found.Count;
            }

            foreach (var run in found.Take((int)Math.Max(0, options.MaxSizedRuns - sized)))
            {
                bytes += await FolderBytesAsync(RunFolder(run), cancellationToken);
                sized++;
            }

            if (selection.Filter is not null && sized >= options.MaxSizedRuns)
            {
                break;
            }
        }

        return new BulkPreview(runs, bytes, sized);
    }

    public async Task<BulkReport> ApplyAsync(BulkRequest request, CancellationToken cancellationToken)
    {
        Validate(request.Selection);
        var tag = request.Action == BulkAction.Tag ? ValidTag(request.Tag) : null;
        if (request.Action == BulkAction.Move)
        {
            await RequireActiveExperimentAsync(request.TargetExperiment, cancellationToken);
        }

        if (request.Action == BulkAction.Purge && request.ExpectedCount is null)
        {
            throw CairnException.InvalidParameter("A purge cannot be undone: confirm it by sending expected_count, the number of runs the preview showed.");
        }

        if (request.ExpectedCount is { } expected && await CountAsync(request.Selection, cancellationToken) is var count && count != expected)
        {
            throw CairnException.InvalidParameter(
                $"The selection now holds {count} runs, not the {expected} that were confirmed; preview it again before applying.");
        }

        var tally = new BulkTally();
        await foreach (var (found, missing) in BatchesAsync(request.Selection, cancellationToken))
        {
            tally.Matched += found.Count + missing.Count;
            tally.AddRange(missing.Select(BulkRunResult.NotFound));
            var ids = found.Select(r => r.RunId).ToList();
            tally.AddRange(request.Action switch
            {
                BulkAction.Delete => await store.SetStageAsync(ids, LifecycleStage.Deleted, cancellationToken),
                BulkAction.Restore => await store.SetStageAsync(ids, LifecycleStage.Active, cancellationToken),
                BulkAction.Tag => await store.SetTagAsync(tag!.Key, [.. ids.Select(id => new RunTagValue(id, tag.Value))], cancellationToken),
                BulkAction.Move => await store.MoveAsync([.. ids.Select(id => new RunMove(id, request.TargetExperiment!.Value))], cancellationToken),
                _ => await PurgeAsync(found, cancellationToken),
            });
        }

        if (request.Action == BulkAction.Purge || tally.Changed.Count == 0)
        {
            return tally.Report(request.Action, isUndo: false, null, null);
        }

        var (token, until) = undoLog.Add(request.Action, tag?.Key, tally.Changed);
        return tally.Report(request.Action, isUndo: false, token, until);
    }

    /// <summary>Puts back exactly the runs the action changed, as they were; the token is spent.</summary>
    public async Task<BulkReport> UndoAsync(string token, CancellationToken cancellationToken)
    {
        var record = undoLog.Take(token);
        var tally = new BulkTally { Matched = record.Changed.Count };
        foreach (var batch in record.Changed.Chunk(options.BatchSize))
        {
            var ids = batch.Select(r => r.RunId).ToList();
            tally.AddRange(record.Action switch
            {
                BulkAction.Delete => await store.SetStageAsync(ids, LifecycleStage.Active, cancellationToken),
                BulkAction.Restore => await store.SetStageAsync(ids, LifecycleStage.Deleted, cancellationToken),
                BulkAction.Tag => await store.SetTagAsync(record.TagKey!, [.. batch.Select(r => new RunTagValue(r.RunId, r.PreviousTag))], cancellationToken),
                BulkAction.Move => await store.MoveAsync([.. batch.Select(r => new RunMove(r.RunId, r.PreviousExperiment!.Value))], cancellationToken),
                _ => throw new InvalidOperationException("A purge has no undo record."),
            });
        }

        return tally.Report(record.Action, isUndo: true, null, null);
    }

    /// <summary>How many runs of the selection exist now (the runs table's "select all N matching").</summary>
    public async Task<long> CountAsync(BulkSelection selection, CancellationToken cancellationToken)
    {
        Validate(selection);
        if (selection.Filter is { } filter)
        {
            return await store.CountMatchingAsync(filter, cancellationToken);
        }

        long count = 0;
        await foreach (var (found, _) in BatchesAsync(selection, cancellationToken))
        {
            count += found.Count;
        }

        return count;
    }

    /// <summary>The selection's runs in batches: explicit ids in the order given (with those that do not exist), or the filter result by key.</summary>
    private async IAsyncEnumerable<(IReadOnlyList<BulkRunRef> Found, IReadOnlyList<RunId> Missing)> BatchesAsync(BulkSelection selection,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (selection.RunIds is { } runIds)
        {
            foreach (var chunk in runIds.Chunk(options.BatchSize))
            {
                var found = await store.FindRunsAsync(chunk, cancellationToken);
                var present = found.Select(r => r.RunId).ToHashSet();
                yield return (found, [.. chunk.Where(id => !present.Contains(id))]);
            }

            yield break;
        }

        // Keys only grow, so walking by key visits each run once even while the batches change what matches.
        var after = long.MinValue;
        while (true)
        {
            var page = await store.ListMatchingAsync(selection.Filter!, after, options.BatchSize, cancellationToken);
            if (page.Count > 0)
            {
                yield return (page, []);
            }

            if (page.Count < options.BatchSize)
            {
                yield break;
            }

            after = page[^1].RunKey;
        }
    }

    private async Task<List<BulkRunResult>> PurgeAsync(IReadOnlyList<BulkRunRef> runs, CancellationToken cancellationToken)
    {
        var results = new List<BulkRunResult>(runs.Count);
        foreach (var run in runs)
        {
            if (run.Stage != LifecycleStage.Deleted)
            {
                results.Add(new BulkRunResult(run.RunId, BulkOutcome.Skipped, "run is active; delete it before purging"));
                continue;
            }

            // As in gc: artifacts first, so a storage failure leaves the run listed rather than files nothing points at.
            try
            {
                await artifacts.DeleteAsync(RunFolder(run), cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or CairnException or UnauthorizedAccessException or HttpRequestException)
            {
                results.Add(new BulkRunResult(run.RunId, BulkOutcome.Failed, "artifacts could not be deleted: " + ex.Message));
                continue;
            }

            results.Add(await purge.PurgeRunAsync(run.RunId, cancellationToken)
                ? new BulkRunResult(run.RunId, BulkOutcome.Done)
                : new BulkRunResult(run.RunId, BulkOutcome.Skipped, "run was restored or purged meanwhile"));
        }

        return results;
    }

    /// <summary>The run's artifact folder: where its artifact URI points (a moved run keeps its files), else gc's layout.</summary>
    public static ArtifactPath RunFolder(BulkRunRef run) => RunArtifactFolder.Of(run.RunId, run.ExperimentId, run.ArtifactUri);

    private async Task<long> FolderBytesAsync(ArtifactPath folder, CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (var entry in await artifacts.ListAsync(folder, cancellationToken))
        {
            total += entry.IsDirectory ? await FolderBytesAsync(folder.Combine(entry.Name), cancellationToken) : entry.Size ?? 0;
        }

        return total;
    }

    private void Validate(BulkSelection selection)
    {
        switch (selection)
        {
            case { RunIds: not null, Filter: not null } or { RunIds: null, Filter: null }:
                throw CairnException.InvalidParameter("Select runs either by run_ids or by experiment_ids with a filter, not both and not neither.");
            case { RunIds: { } ids }:
                if (ids.Count == 0 || ids.Count > options.MaxRunIds)
                {
                    throw CairnException.InvalidParameter(
                        $"run_ids has {ids.Count} entries; name between 1 and {options.MaxRunIds}, or select a larger set by filter.");
                }

                break;
            case { Filter: { } filter }:
                if (filter.ExperimentIds.Count == 0 || filter.ExperimentIds.Count > TrackingLimits.MaxExperimentIdsPerSearch)
                {
                    throw CairnException.InvalidParameter(
                        $"experiment_ids has {filter.ExperimentIds.Count} entries; name between 1 and {TrackingLimits.MaxExperimentIdsPerSearch}.");
                }

                break;
        }
    }

    private static KeyValue ValidTag(KeyValue? tag)
    {
        if (tag is null)
        {
            throw CairnException.MissingParameter("tag");
        }

        var valid = TrackingValidation.RunTag(tag.Key, tag.Value);
        return valid.Key.StartsWith("mlflow.", StringComparison.Ordinal)
            ? throw CairnException.InvalidParameter($"Tag '{valid.Key}' is a system tag (mlflow.*); bulk tagging sets only user tags.")
            : valid;
    }

    private async Task RequireActiveExperimentAsync(ExperimentId? target, CancellationToken cancellationToken)
    {
        if (target is not { } id)
        {
            throw CairnException.MissingParameter("target_experiment_id");
        }

        var experiment = await tracking.GetExperimentAsync(id, cancellationToken)
            ?? throw CairnException.NotFound($"No experiment with id {id} to move the runs to.");
        if (experiment.LifecycleStage != LifecycleStage.Active)
        {
            throw CairnException.InvalidParameter($"Experiment {id} is deleted; runs can only be moved to an active experiment.");
        }
    }
}
