using Cairn.Core;
using Cairn.Core.Artifacts;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Tracking.Bulk;
using Cairn.Storage.Artifacts;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>
/// Bulk run actions through <see cref="BulkRunService"/> on each real database and a real artifact folder: what
/// every action changes, what its undo puts back, and the summaries a move must carry along.
/// </summary>
public abstract class BulkRunContract<TBackend>(TBackend backend) : IClassFixture<TBackend>, IDisposable
    where TBackend : StoreBackend
{
    private readonly string _artifactRoot = Path.Combine(Path.GetTempPath(), "cairn-bulk-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Batches of two, so every test crosses several transactions.
    private BulkRunService Service(TimeSpan? undoWindow = null)
    {
        var options = new BulkRunOptions { BatchSize = 2, UndoWindow = undoWindow ?? TimeSpan.FromMinutes(1) };
        return new BulkRunService(backend.Tracking, backend.Bulk, backend.Purge, new LocalArtifactStore(_artifactRoot),
            new BulkUndoLog(TimeProvider.System, options), options);
    }

    private Task<ExperimentId> ExperimentAsync() => backend.Tracking.CreateExperimentAsync("bulk-" + Guid.NewGuid().ToString("N"), null, [], Cancel);

    private async Task<RunId> RunAsync(ExperimentId experiment, params KeyValue[] tags) =>
        (await backend.Tracking.CreateRunAsync(new NewRun(experiment, "tester", "r", 1_000, tags), Cancel)).Info.RunId;

    private async Task<Experiment> ExperimentRowAsync(ExperimentId id) => (await backend.Tracking.GetExperimentAsync(id, Cancel))!;

    private static BulkSelection Filter(ExperimentId experiment, string filter, ViewType view = ViewType.ActiveOnly) =>
        BulkSelection.Of(new BulkFilter([experiment], RunSearch.ParseFilter(filter), view));

    private async Task<LifecycleStage> StageAsync(RunId run) => (await backend.Tracking.GetRunInfoAsync(run, Cancel))!.LifecycleStage;

    private async Task<LifecycleStage[]> StagesAsync(IEnumerable<RunId> runs)
    {
        var stages = new List<LifecycleStage>();
        foreach (var run in runs)
        {
            stages.Add(await StageAsync(run));
        }

        return [.. stages];
    }

    [Fact]
    public async Task DeleteFilterResult_ThenUndo_RestoresExactlyThoseRuns()
    {
        var experiment = await ExperimentAsync();
        var team = new KeyValue("team", "a");
        var matching = new[] { await RunAsync(experiment, team), await RunAsync(experiment, team), await RunAsync(experiment, team) };
        var other = await RunAsync(experiment, new KeyValue("team", "b"));
        var deletedBefore = await RunAsync(experiment, team);
        await backend.Tracking.DeleteRunAsync(deletedBefore, Cancel);
        var service = Service();

        var preview = await service.PreviewAsync(Filter(experiment, "tags.team = 'a'"), Cancel);
        var report = await service.ApplyAsync(new BulkRequest(BulkAction.Delete, Filter(experiment, "tags.team = 'a'"), ExpectedCount: 3), Cancel);

        Assert.Equal(3, preview.Runs);
        Assert.Equal((3, 3, 0, 0), (report.Matched, report.Done, report.Skipped, report.Failed));
        Assert.NotNull(report.UndoToken);
        Assert.Equal([LifecycleStage.Deleted, LifecycleStage.Deleted, LifecycleStage.Deleted], await StagesAsync(matching));
        Assert.Equal(1, (await ExperimentRowAsync(experiment)).RunCount);

        var undo = await service.UndoAsync(report.UndoToken!, Cancel);

        Assert.True(undo.IsUndo);
        Assert.Equal(3, undo.Done);
        Assert.Equal([LifecycleStage.Active, LifecycleStage.Active, LifecycleStage.Active], await StagesAsync(matching));
        Assert.Equal(LifecycleStage.Active, await StageAsync(other));
        Assert.Equal(LifecycleStage.Deleted, await StageAsync(deletedBefore));
        Assert.Equal(4, (await ExperimentRowAsync(experiment)).RunCount);
        await Assert.ThrowsAsync<CairnException>(() => service.UndoAsync(report.UndoToken!, Cancel));
    }

    [Fact]
    public async Task Restore_SkipsActiveRuns_AndReportsUnknownIds()
    {
        var experiment = await ExperimentAsync();
        var deleted = await RunAsync(experiment);
        var active = await RunAsync(experiment);
        await backend.Tracking.DeleteRunAsync(deleted, Cancel);

        var report = await Service().ApplyAsync(new BulkRequest(BulkAction.Restore, BulkSelection.Of([deleted, active, new RunId("0000000000000000000000000000dead")])), Cancel);

        Assert.Equal((3, 1, 1, 1), (report.Matched, report.Done, report.Skipped, report.Failed));
        Assert.Contains(report.Reasons, r => r is { Outcome: BulkOutcome.Skipped, Reason: "already active", Count: 1 });
        Assert.Contains(report.Reasons, r => r is { Outcome: BulkOutcome.Failed, Reason: "run not found", Count: 1 });
        Assert.Equal(LifecycleStage.Active, await StageAsync(deleted));
    }

    [Fact]
    public async Task Tag_KeepsPreviousValues_AndUndoPutsThemBack()
    {
        var experiment = await ExperimentAsync();
        var tagged = await RunAsync(experiment, new KeyValue("stage", "dev"));
        var untagged = await RunAsync(experiment);
        var deleted = await RunAsync(experiment);
        await backend.Tracking.DeleteRunAsync(deleted, Cancel);
        var service = Service();

        var report = await service.ApplyAsync(new BulkRequest(BulkAction.Tag, BulkSelection.Of([tagged, untagged, deleted]), new KeyValue("stage", "prod")), Cancel);

        Assert.Equal((2, 1), (report.Done, report.Skipped));
        Assert.Contains(report.Reasons, r => r.Reason == "run is deleted");
        foreach (var run in new[] { tagged, untagged })
        {
            Assert.Contains(new KeyValue("stage", "prod"), (await backend.Tracking.GetRunAsync(run, Cancel))!.Data.Tags);
        }

        Assert.Contains("stage", await backend.Tracking.GetRunKeysAsync(experiment, FilterEntity.Tag, "st", 10, Cancel));

        await service.UndoAsync(report.UndoToken!, Cancel);

        Assert.Contains(new KeyValue("stage", "dev"), (await backend.Tracking.GetRunAsync(tagged, Cancel))!.Data.Tags);
        Assert.DoesNotContain((await backend.Tracking.GetRunAsync(untagged, Cancel))!.Data.Tags, t => t.Key == "stage");
    }

    [Fact]
    public async Task Tag_RefusesSystemTags()
    {
        var run = await RunAsync(await ExperimentAsync());

        var error = await Assert.ThrowsAsync<CairnException>(() =>
            Service().ApplyAsync(new BulkRequest(BulkAction.Tag, BulkSelection.Of([run]), new KeyValue("mlflow.runName", "x")), Cancel));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public async Task Move_CarriesCountsMetricSortAndKeys_AndUndoMovesBack()
    {
        var source = await ExperimentAsync();
        var target = await ExperimentAsync();
        var moved = await RunAsync(source);
        var stays = await RunAsync(source);
        await backend.Tracking.LogBatchAsync(moved, new LogBatch([new Metric("loss", 0.25, 5_000, 3)], [new KeyValue("lr", "0.1")], []), Cancel);
        var service = Service();

        var report = await service.ApplyAsync(new BulkRequest(BulkAction.Move, BulkSelection.Of([moved]), TargetExperiment: target), Cancel);

        Assert.Equal(1, report.Done);
        Assert.Equal(target, (await backend.Tracking.GetRunInfoAsync(moved, Cancel))!.ExperimentId);
        Assert.Equal(1, (await ExperimentRowAsync(source)).RunCount);
        Assert.Equal(1, (await ExperimentRowAsync(target)).RunCount);
        Assert.True((await ExperimentRowAsync(target)).LastActivityTime >= 5_000);
        // The metric sort walks latest_metrics by experiment: the moved run is found under its new experiment only.
        var byLoss = new RunQuery([target], [], [new OrderTerm(FilterEntity.Metric, "loss", true)], ViewType.ActiveOnly, 10, 0);
        Assert.Equal([moved], (await backend.Tracking.SearchRunsByKeyAsync(byLoss, null, Cancel)).Items.Select(r => r.Info.RunId));
        Assert.Equal([stays], (await backend.Tracking.SearchRunsByKeyAsync(byLoss with { ExperimentIds = [source] }, null, Cancel)).Items.Select(r => r.Info.RunId));
        Assert.Contains("loss", await backend.Tracking.GetRunKeysAsync(target, FilterEntity.Metric, "", 10, Cancel));
        Assert.Contains("lr", await backend.Tracking.GetRunKeysAsync(target, FilterEntity.Param, "", 10, Cancel));

        await service.UndoAsync(report.UndoToken!, Cancel);

        Assert.Equal(source, (await backend.Tracking.GetRunInfoAsync(moved, Cancel))!.ExperimentId);
        Assert.Equal(2, (await ExperimentRowAsync(source)).RunCount);
        Assert.Equal(0, (await ExperimentRowAsync(target)).RunCount);
        Assert.Empty((await backend.Tracking.SearchRunsByKeyAsync(byLoss, null, Cancel)).Items);
    }

    [Fact]
    public async Task Move_ToADeletedExperiment_IsRefused()
    {
        var run = await RunAsync(await ExperimentAsync());
        var target = await ExperimentAsync();
        await backend.Tracking.DeleteExperimentAsync(target, Cancel);

        var error = await Assert.ThrowsAsync<CairnException>(() =>
            Service().ApplyAsync(new BulkRequest(BulkAction.Move, BulkSelection.Of([run]), TargetExperiment: target), Cancel));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public async Task Purge_NeedsTheConfirmedCount_RemovesDeletedRunsWithArtifacts_AndSkipsActiveOnes()
    {
        var experiment = await ExperimentAsync();
        var deleted = await RunAsync(experiment);
        var active = await RunAsync(experiment);
        await backend.Tracking.DeleteRunAsync(deleted, Cancel);
        var store = new LocalArtifactStore(_artifactRoot);
        foreach (var run in new[] { deleted, active })
        {
            await store.WriteAsync(ArtifactPath.Parse($"{experiment}/{run}/artifacts/model.bin"), new MemoryStream(new byte[1_500]), Cancel);
        }

        var service = Service();
        var selection = BulkSelection.Of([deleted, active]);

        var preview = await service.PreviewAsync(selection, Cancel);
        var unconfirmed = await Assert.ThrowsAsync<CairnException>(() => service.ApplyAsync(new BulkRequest(BulkAction.Purge, selection), Cancel));
        var stale = await Assert.ThrowsAsync<CairnException>(() => service.ApplyAsync(new BulkRequest(BulkAction.Purge, selection, ExpectedCount: 5), Cancel));
        var report = await service.ApplyAsync(new BulkRequest(BulkAction.Purge, selection, ExpectedCount: 2), Cancel);

        Assert.Equal((2, 3_000, 2), (preview.Runs, preview.ArtifactBytes, preview.SizedRuns));
        Assert.Contains("expected_count", unconfirmed.Message, StringComparison.Ordinal);
        Assert.Contains("now holds 2 runs", stale.Message, StringComparison.Ordinal);
        Assert.Equal((1, 1), (report.Done, report.Skipped));
        Assert.Null(report.UndoToken);
        Assert.Null(await backend.Tracking.GetRunInfoAsync(deleted, Cancel));
        Assert.NotNull(await backend.Tracking.GetRunInfoAsync(active, Cancel));
        Assert.False(Directory.Exists(Path.Combine(_artifactRoot, experiment.ToString(), deleted.Value)));
        Assert.True(Directory.Exists(Path.Combine(_artifactRoot, experiment.ToString(), active.Value)));
    }

    [Fact]
    public async Task MovedRun_KeepsItsFilesWhenGcPurgesItsOldExperiment_AndGcPurgesThemWithTheRun()
    {
        var source = await ExperimentAsync();
        var target = await ExperimentAsync();
        var moved = await RunAsync(source);
        var left = await RunAsync(source);
        var store = new LocalArtifactStore(_artifactRoot);
        foreach (var run in new[] { moved, left })
        {
            await store.WriteAsync(ArtifactPath.Parse($"{source}/{run}/artifacts/model.bin"), new MemoryStream(new byte[10]), Cancel);
        }

        await Service().ApplyAsync(new BulkRequest(BulkAction.Move, BulkSelection.Of([moved]), TargetExperiment: target), Cancel);
        await backend.Tracking.DeleteExperimentAsync(source, Cancel);
        var gc = new Cairn.Core.Maintenance.GarbageCollector(backend.Purge, store, TimeProvider.System);

        await gc.CollectAsync(TimeSpan.Zero, dryRun: false, _ => { }, Cancel);

        Assert.Null(await backend.Tracking.GetExperimentAsync(source, Cancel));
        Assert.False(Directory.Exists(Path.Combine(_artifactRoot, source.ToString(), left.Value)));
        Assert.True(File.Exists(Path.Combine(_artifactRoot, source.ToString(), moved.Value, "artifacts", "model.bin")));

        await backend.Tracking.DeleteRunAsync(moved, Cancel);
        await gc.CollectAsync(TimeSpan.Zero, dryRun: false, _ => { }, Cancel);

        Assert.Null(await backend.Tracking.GetRunInfoAsync(moved, Cancel));
        Assert.False(Directory.Exists(Path.Combine(_artifactRoot, source.ToString(), moved.Value)));
    }

    [Fact]
    public async Task Undo_AfterTheWindow_FindsNothing_AndChangesNothing()
    {
        var experiment = await ExperimentAsync();
        var run = await RunAsync(experiment);
        var service = Service(undoWindow: TimeSpan.Zero);

        var report = await service.ApplyAsync(new BulkRequest(BulkAction.Delete, BulkSelection.Of([run])), Cancel);
        var error = await Assert.ThrowsAsync<CairnException>(() => service.UndoAsync(report.UndoToken!, Cancel));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Equal(LifecycleStage.Deleted, await StageAsync(run));
    }

    [Fact]
    public async Task FilterWalk_VisitsEveryMatchingRunOnce_AcrossBatches()
    {
        var experiment = await ExperimentAsync();
        var runs = new List<RunId>();
        for (var i = 0; i < 7; i++)
        {
            runs.Add(await RunAsync(experiment, new KeyValue("batch", "x")));
        }

        var report = await Service().ApplyAsync(new BulkRequest(BulkAction.Tag, Filter(experiment, "tags.batch = 'x'"), new KeyValue("seen", "1")), Cancel);

        Assert.Equal((7, 7), (report.Matched, report.Done));
        foreach (var run in runs)
        {
            Assert.Contains(new KeyValue("seen", "1"), (await backend.Tracking.GetRunAsync(run, Cancel))!.Data.Tags);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_artifactRoot))
        {
            Directory.Delete(_artifactRoot, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteBulkRunTests(SqliteBackend backend) : BulkRunContract<SqliteBackend>(backend);

public sealed class PostgresBulkRunTests(PostgresBackend backend) : BulkRunContract<PostgresBackend>(backend);
