using Cairn.Core.Registry;
using Cairn.Core.Tracking;
using Cairn.Storage.Sql;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>What every purge store (<c>cairn gc</c>) must do: list what was deleted, and remove it with every row it owns.</summary>
public abstract class PurgeStoreContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    // Every table a run or an experiment owns rows in, with the column that names the owner.
    private static readonly string[] RunTables = ["params", "tags", "metrics", "latest_metrics", "input_tags", "inputs", "run_outputs", "run_model_inputs", "runs"];
    private static readonly string[] ModelTables = ["logged_model_params", "logged_model_tags", "logged_model_metrics", "run_outputs", "run_model_inputs", "logged_models"];
    private static readonly string[] ExperimentTables = ["experiments", "experiment_tags", "experiment_activity", "runs", "logged_models", "datasets"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static DateTimeOffset Later => TimeProvider.System.GetUtcNow().AddMinutes(1);

    /// <summary>A run with a row in every table a run can own: params, tags, metrics, a dataset input and a logged model in and out.</summary>
    private async Task<(ExperimentId Experiment, RunId Run, string Model)> FullRunAsync(ExperimentId? experimentId = null)
    {
        var experiment = experimentId ?? await backend.Tracking.CreateExperimentAsync("purge-" + Guid.NewGuid().ToString("N"), null, [new KeyValue("team", "a")], Cancel);
        var run = (await backend.Tracking.CreateRunAsync(new NewRun(experiment, "tester", "r", 1, []), Cancel)).Info.RunId;
        var model = await backend.LoggedModels.CreateLoggedModelAsync(
            new NewLoggedModel(experiment, "clf", null, run.Value, [new KeyValue("depth", "3")], [new KeyValue("stage", "dev")]), Cancel);
        await backend.Tracking.LogBatchAsync(run, new LogBatch([new Metric("loss", 0.5, 1, 0), new Metric("loss", 0.4, 2, 1)], [new KeyValue("lr", "0.1")], [new KeyValue("t", "v")])
        {
            ModelMetrics = [new ModelMetric(model.ModelId, new Metric("loss", 0.4, 2, 1), "train", "d1")],
        }, Cancel);
        var dataset = new Dataset("train", "d1", "local", "{}", null, null);
        await backend.Tracking.LogInputsAsync(run, [new DatasetInput(dataset, [new KeyValue("context", "training")])], [model.ModelId], Cancel);
        await backend.LoggedModels.LogOutputsAsync(run, [new ModelOutput(model.ModelId, 1)], Cancel);
        return (experiment, run, model.ModelId);
    }

    private Task<long> KeyAsync(string sql, object id) =>
        backend.Reads.ReadAsync(async (connection, transaction) =>
            (long)(await SqlReads.ScalarAsync(connection, transaction, sql, SqlParameters.Of(id), Cancel))!, Cancel);

    private Task<long> RunKeyAsync(RunId run) => KeyAsync("SELECT run_key FROM runs WHERE run_uuid = @p0", run.Value);

    private Task<long> ModelKeyAsync(string model) => KeyAsync("SELECT model_key FROM logged_models WHERE model_id = @p0", model);

    /// <summary>How many rows across <paramref name="tables"/> have <paramref name="column"/> = <paramref name="key"/>.</summary>
    private Task<long> RowsAsync(IEnumerable<string> tables, string column, long key) =>
        backend.Reads.ReadAsync(async (connection, transaction) =>
        {
            long total = 0;
            foreach (var table in tables)
            {
                total += Convert.ToInt64(await SqlReads.ScalarAsync(connection, transaction,
                    $"SELECT COUNT(*) FROM {table} WHERE {column} = @p0", SqlParameters.Of(key), Cancel), System.Globalization.CultureInfo.InvariantCulture);
            }

            return total;
        }, Cancel);

    [Fact]
    public async Task ListDeletedRuns_HonoursTheCutoff_AndSkipsLiveRuns()
    {
        var (experiment, deleted, _) = await FullRunAsync();
        var live = (await backend.Tracking.CreateRunAsync(new NewRun(experiment, null, "live", 1, []), Cancel)).Info.RunId;
        var before = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        await backend.Tracking.DeleteRunAsync(deleted, Cancel);

        var listed = Assert.Single(await backend.Purge.ListDeletedRunsAsync(Later, Cancel), r => r.RunId == deleted);
        Assert.Equal(experiment, listed.ExperimentId);
        Assert.InRange(listed.DeletedAt, before, Later);
        Assert.DoesNotContain(await backend.Purge.ListDeletedRunsAsync(Later, Cancel), r => r.RunId == live);
        Assert.DoesNotContain(await backend.Purge.ListDeletedRunsAsync(before, Cancel), r => r.RunId == deleted);
    }

    [Fact]
    public async Task PurgeRun_RemovesEveryRowOfTheRun_AndLeavesItsNeighbours()
    {
        var (experiment, run, model) = await FullRunAsync();
        var (_, neighbour, _) = await FullRunAsync(experiment);
        var runKey = await RunKeyAsync(run);
        var neighbourRows = await RowsAsync(RunTables, "run_key", await RunKeyAsync(neighbour));
        foreach (var table in RunTables)
        {
            Assert.True(await RowsAsync([table], "run_key", runKey) > 0, $"the run has no rows in {table}");
        }

        await backend.Tracking.DeleteRunAsync(run, Cancel);

        Assert.True(await backend.Purge.PurgeRunAsync(run, Cancel));

        Assert.Null(await backend.Tracking.GetRunAsync(run, Cancel));
        Assert.Equal(0, await RowsAsync(RunTables, "run_key", runKey));
        Assert.Equal(neighbourRows, await RowsAsync(RunTables, "run_key", await RunKeyAsync(neighbour)));
        Assert.NotNull(await backend.LoggedModels.GetLoggedModelAsync(model, false, Cancel));
        Assert.False(await backend.Purge.PurgeRunAsync(run, Cancel));
    }

    [Fact]
    public async Task PurgeRun_OfALiveOrRestoredRun_ChangesNothing()
    {
        var (_, run, _) = await FullRunAsync();
        var rows = await RowsAsync(RunTables, "run_key", await RunKeyAsync(run));
        Assert.False(await backend.Purge.PurgeRunAsync(run, Cancel));

        await backend.Tracking.DeleteRunAsync(run, Cancel);
        await backend.Tracking.RestoreRunAsync(run, Cancel);
        Assert.False(await backend.Purge.PurgeRunAsync(run, Cancel));

        Assert.Equal(rows, await RowsAsync(RunTables, "run_key", await RunKeyAsync(run)));
        Assert.False(await backend.Purge.PurgeRunAsync(RunId.New(), Cancel));
    }

    [Fact]
    public async Task PurgeRun_RacingARestore_EitherRemovesAllOrLeavesTheRunWhole()
    {
        for (var i = 0; i < 10; i++)
        {
            var (_, run, _) = await FullRunAsync();
            var runKey = await RunKeyAsync(run);
            var rows = await RowsAsync(RunTables, "run_key", runKey);
            await backend.Tracking.DeleteRunAsync(run, Cancel);

            var purge = backend.Purge.PurgeRunAsync(run, Cancel);
            var restore = Task.Run(async () =>
            {
                try
                {
                    await backend.Tracking.RestoreRunAsync(run, Cancel);
                    return true;
                }
                catch (Core.CairnException ex) when (ex.Code == Core.ErrorCode.ResourceDoesNotExist)
                {
                    return false;
                }
            }, Cancel);

            var (purged, restored) = (await purge, await restore);
            Assert.NotEqual(purged, restored);
            Assert.Equal(purged ? 0 : rows, await RowsAsync(RunTables, "run_key", runKey));
        }
    }

    [Fact]
    public async Task PurgeExperiment_RemovesItsRunsModelsDatasetsAndTags_AndNothingElse()
    {
        var (experiment, run, model) = await FullRunAsync();
        var (_, second, _) = await FullRunAsync(experiment);
        var (other, otherRun, otherModel) = await FullRunAsync();
        var runKeys = new[] { await RunKeyAsync(run), await RunKeyAsync(second) };
        var modelKey = await ModelKeyAsync(model);
        var otherRows = (await RowsAsync(ExperimentTables, "experiment_id", other.Value),
            await RowsAsync(RunTables, "run_key", await RunKeyAsync(otherRun)), await RowsAsync(ModelTables, "model_key", await ModelKeyAsync(otherModel)));
        await backend.Tracking.DeleteExperimentAsync(experiment, Cancel);

        var listed = Assert.Single(await backend.Purge.ListDeletedExperimentsAsync(Later, Cancel), e => e.ExperimentId == experiment);
        Assert.StartsWith("purge-", listed.Name, StringComparison.Ordinal);
        Assert.Contains(await backend.Purge.ListDeletedRunsAsync(Later, Cancel), r => r.RunId == run);
        Assert.Empty(await backend.Purge.ListDeletedExperimentsAsync(TimeProvider.System.GetUtcNow().AddMinutes(-1), Cancel));

        Assert.True(await backend.Purge.PurgeExperimentAsync(experiment, Cancel));

        Assert.Null(await backend.Tracking.GetExperimentAsync(experiment, Cancel));
        Assert.Equal(0, await RowsAsync(ExperimentTables, "experiment_id", experiment.Value));
        Assert.Equal(0, await RowsAsync(RunTables, "run_key", runKeys[0]) + await RowsAsync(RunTables, "run_key", runKeys[1]));
        Assert.Equal(0, await RowsAsync(ModelTables, "model_key", modelKey));
        Assert.Equal(otherRows, (await RowsAsync(ExperimentTables, "experiment_id", other.Value),
            await RowsAsync(RunTables, "run_key", await RunKeyAsync(otherRun)), await RowsAsync(ModelTables, "model_key", await ModelKeyAsync(otherModel))));
        Assert.False(await backend.Purge.PurgeExperimentAsync(experiment, Cancel));
    }

    [Fact]
    public async Task PurgeExperiment_OfALiveExperiment_ChangesNothing()
    {
        var (experiment, run, _) = await FullRunAsync();

        Assert.False(await backend.Purge.PurgeExperimentAsync(experiment, Cancel));

        Assert.NotNull(await backend.Tracking.GetExperimentAsync(experiment, Cancel));
        Assert.NotNull(await backend.Tracking.GetRunAsync(run, Cancel));
        Assert.False(await backend.Purge.PurgeExperimentAsync(new ExperimentId(long.MaxValue), Cancel));
    }

    [Fact]
    public async Task ListModelVersionLocations_ReturnsOnlyVersionsNotDeleted()
    {
        var name = "purge-model-" + Guid.NewGuid().ToString("N");
        await backend.Registry.CreateModelAsync(name, "", [], Actor.Unknown, Cancel);
        var kept = "mlflow-artifacts:/models/" + Guid.NewGuid().ToString("N");
        var dropped = "mlflow-artifacts:/models/" + Guid.NewGuid().ToString("N");
        await backend.Registry.CreateVersionAsync(new NewModelVersion(name, "runs:/abc/model", kept, null, "", "", []), Actor.Unknown, Cancel);
        var second = await backend.Registry.CreateVersionAsync(new NewModelVersion(name, "runs:/abc/model", dropped, null, "", "", []), Actor.Unknown, Cancel);
        await backend.Registry.DeleteVersionAsync(name, second.Version, Actor.Unknown, Cancel);

        var locations = await backend.Purge.ListModelVersionLocationsAsync(Cancel);

        Assert.Contains(kept, locations);
        Assert.DoesNotContain(dropped, locations);
    }
}

public sealed class SqlitePurgeStoreTests(SqliteBackend backend) : PurgeStoreContract<SqliteBackend>(backend);

public sealed class PostgresPurgeStoreTests(PostgresBackend backend) : PurgeStoreContract<PostgresBackend>(backend);
