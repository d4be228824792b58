using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>What every webhook store must do: an outbox filled by registry writes, drained by the dispatcher.</summary>
public abstract class WebhookStoreContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    protected TBackend Backend => backend;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegistryChange_QueuesADelivery_AndAttemptsAreRecorded()
    {
        var (hook, _) = await backend.Webhooks.CreateWebhookAsync("https://example.test/hook", [WebhookEvents.VersionCreated], "s3cret", Cancel);
        var name = "hooked-" + Guid.NewGuid().ToString("N");
        await backend.Registry.CreateModelAsync(name, "", [], Actor.Unknown, Cancel);
        await backend.Registry.CreateVersionAsync(new NewModelVersion(name, "runs:/abc/model", "models/x", null, "", "", []), Actor.Unknown, Cancel);

        var due = await backend.Webhooks.TakeDueDeliveriesAsync(100, Cancel);
        var delivery = Assert.Single(due, d => d.Url == "https://example.test/hook" && d.Payload.Contains(name, StringComparison.Ordinal));
        Assert.Equal(("https://example.test/hook", "s3cret", WebhookEvents.VersionCreated), (delivery.Url, delivery.Secret, delivery.Event));

        await backend.Webhooks.RecordAttemptAsync(delivery.Id, delivered: true, 200, null, null, Cancel);
        var recorded = Assert.Single(await backend.Webhooks.ListDeliveriesAsync(hook.Id, Cancel));
        Assert.Equal(("delivered", 1, 200), (recorded.Status, recorded.Attempts, recorded.LastStatusCode));

        await backend.Webhooks.DeleteWebhookAsync(hook.Id, Cancel);
        var gone = await Assert.ThrowsAsync<CairnException>(() => backend.Webhooks.DeleteWebhookAsync(hook.Id, Cancel));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, gone.Code);
    }
}

/// <summary>What every logged-model store must do (MLflow 3).</summary>
public abstract class LoggedModelStoreContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoggedModel_ParamsAreWriteOnce_TagsSearchable_OutputsLinked()
    {
        var experiment = await backend.Tracking.CreateExperimentAsync("lm-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        var model = await backend.LoggedModels.CreateLoggedModelAsync(
            new NewLoggedModel(experiment, "clf", "sklearn", null, [new KeyValue("depth", "3")], [new KeyValue("stage", "dev")]), Cancel);
        Assert.Equal(LoggedModelStatus.Pending, model.Status);

        await backend.LoggedModels.LogLoggedModelParamsAsync(model.ModelId, [new KeyValue("depth", "3")], Cancel);
        var changed = await Assert.ThrowsAsync<CairnException>(() => backend.LoggedModels.LogLoggedModelParamsAsync(model.ModelId, [new KeyValue("depth", "4")], Cancel));
        Assert.Equal(ErrorCode.InvalidParameterValue, changed.Code);

        var found = await backend.LoggedModels.SearchLoggedModelsAsync(new LoggedModelQuery([experiment], LoggedModelSearch.ParseFilter("tags.stage = 'dev'"), 10, 0), Cancel);
        Assert.Equal(model.ModelId, Assert.Single(found.Items).ModelId);

        var run = await backend.Tracking.CreateRunAsync(new NewRun(experiment, null, "r", 1, []), Cancel);
        await backend.LoggedModels.LogOutputsAsync(run.Info.RunId, [new ModelOutput(model.ModelId, 5)], Cancel);
        Assert.Equal([new ModelOutput(model.ModelId, 5)], await backend.LoggedModels.GetOutputsAsync(run.Info.RunId, Cancel));
        Assert.Equal(LoggedModelStatus.Ready, (await backend.LoggedModels.FinalizeLoggedModelAsync(model.ModelId, LoggedModelStatus.Ready, Cancel)).Status);

        await backend.LoggedModels.DeleteLoggedModelAsync(model.ModelId, Cancel);
        Assert.Null(await backend.LoggedModels.GetLoggedModelAsync(model.ModelId, false, Cancel));
        Assert.NotNull(await backend.LoggedModels.GetLoggedModelAsync(model.ModelId, true, Cancel));
    }

    [Fact]
    public async Task Search_FiltersAndOrdersByModelMetrics_OnChosenDatasets()
    {
        var experiment = await backend.Tracking.CreateExperimentAsync("lm-" + Guid.NewGuid().ToString("N"), null, [], Cancel);
        var run = await backend.Tracking.CreateRunAsync(new NewRun(experiment, null, "r", 1, []), Cancel);
        var names = new Dictionary<string, string>();
        foreach (var (name, step0, step1) in new[] { ("low", 0.2, 0.3), ("high", 0.9, 0.4), ("none", double.NaN, double.NaN) })
        {
            var model = await backend.LoggedModels.CreateLoggedModelAsync(new NewLoggedModel(experiment, name, null, run.Info.RunId.Value, [], []), Cancel);
            names[model.ModelId] = name;
            if (double.IsNaN(step0))
            {
                continue;
            }

            var metrics = new[] { new ModelMetric(model.ModelId, new Metric("auc", step0, 1, 0), "test", "d1"), new ModelMetric(model.ModelId, new Metric("auc", step1, 2, 1), "test", "d1"),
                new ModelMetric(model.ModelId, new Metric("auc", step1 + 0.5, 3, 2), "train", "d0") };
            await backend.Tracking.LogBatchAsync(run.Info.RunId, new LogBatch(metrics.Select(m => m.Metric).ToList(), [], []) { ModelMetrics = metrics }, Cancel);
        }

        async Task<List<string>> Search(string filter, IReadOnlyList<DatasetRef> datasets, params LoggedModelOrder[] order) =>
            (await backend.LoggedModels.SearchLoggedModelsAsync(new LoggedModelQuery([experiment], LoggedModelSearch.ParseFilter(filter), 10, 0) { Datasets = datasets, OrderBy = order }, Cancel))
            .Items.Select(m => names[m.ModelId]).ToList();

        var onTest = new DatasetRef("test", "d1");
        Assert.Equal(["high"], await Search("metrics.auc > 0.5", [onTest]));
        Assert.Equal(["high", "low"], await Search("metrics.auc > 0.5", [], new LoggedModelOrder("name", null, true, null)));
        Assert.Equal(["low", "high"], await Search("metrics.auc > 0.5", [new DatasetRef("train", null)], new LoggedModelOrder("name", null, false, null)));

        // The latest step on the test set decides (0.4 > 0.3), and a model without the metric comes last both ways.
        Assert.Equal(["high", "low", "none"], await Search("", [], new LoggedModelOrder(null, "auc", false, onTest)));
        Assert.Equal(["low", "high", "none"], await Search("", [], new LoggedModelOrder(null, "auc", true, onTest)));
        Assert.Equal(["low", "high", "none"], await Search("", [], new LoggedModelOrder(null, "auc", true, new DatasetRef("train", "d0"))));
    }
}

public sealed class SqliteWebhookStoreTests(SqliteBackend backend) : WebhookStoreContract<SqliteBackend>(backend);

public sealed class PostgresWebhookStoreTests(PostgresBackend backend) : WebhookStoreContract<PostgresBackend>(backend)
{
    [Fact]
    public async Task TakeDueDeliveries_ClaimsThem_SoAnotherReplicaDoesNotSendThemAgain()
    {
        var cancel = TestContext.Current.CancellationToken;
        await Backend.Webhooks.CreateWebhookAsync("https://example.test/claim", [WebhookEvents.VersionCreated], "s", cancel);
        var name = "claimed-" + Guid.NewGuid().ToString("N");
        await Backend.Registry.CreateModelAsync(name, "", [], Actor.Unknown, cancel);
        await Backend.Registry.CreateVersionAsync(new NewModelVersion(name, "runs:/abc/model", "models/x", null, "", "", []), Actor.Unknown, cancel);

        var takes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Backend.Webhooks.TakeDueDeliveriesAsync(100, cancel)));
        Assert.Single(takes.SelectMany(t => t), d => d.Url == "https://example.test/claim" && d.Payload.Contains(name, StringComparison.Ordinal));
    }
}

public sealed class SqliteLoggedModelStoreTests(SqliteBackend backend) : LoggedModelStoreContract<SqliteBackend>(backend);

public sealed class PostgresLoggedModelStoreTests(PostgresBackend backend) : LoggedModelStoreContract<PostgresBackend>(backend);
