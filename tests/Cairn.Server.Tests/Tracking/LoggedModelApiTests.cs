using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

/// <summary>The MLflow 3.x log_model wire sequence, request by request, as the 3.x client sends it.</summary>
public class LoggedModelApiTests(CairnServer server) : IClassFixture<CairnServer>
{
    private readonly MlflowHttp _client = server.Client;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<JsonNode> OkAsync(HttpMethod method, string route, object body)
    {
        var reply = await _client.SendAsync(method, MlflowHttp.Api + route, JsonSerializer.Serialize(body));
        Assert.True(reply.Status == HttpStatusCode.OK, $"{route} answered {(int)reply.Status}: {reply.Text}");
        return reply.Json;
    }

    [Fact]
    public async Task LogModel_ThreeXSequence_RegisterAndResolve()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experimentId);
        var runParams = Enumerable.Range(0, 150).Select(i => new { key = $"p{i:D3}", value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList();
        await _client.OkAsync("runs/log-batch", new { run_id = runId, @params = runParams.Take(100) });
        await _client.OkAsync("runs/log-batch", new { run_id = runId, @params = runParams.Skip(100) });

        // 2. create the logged model with the first 100 params, then the rest.
        var created = (await _client.OkAsync("logged-models", new
        {
            experiment_id = experimentId,
            name = "model",
            source_run_id = runId,
            @params = runParams.Take(100),
            tags = new[] { new { key = "mlflow.user", value = "ada" } },
        })).Json["model"]!;
        var info = created["info"]!;
        var modelId = info["model_id"]!.GetValue<string>();
        Assert.Matches("^m-[0-9a-f]{32}$", modelId);
        Assert.Equal("LOGGED_MODEL_PENDING", info["status"]!.GetValue<string>());
        Assert.Equal($"mlflow-artifacts:/{experimentId}/models/{modelId}/artifacts", info["artifact_uri"]!.GetValue<string>());
        Assert.Equal(runId, info["source_run_id"]!.GetValue<string>());
        await _client.OkAsync($"logged-models/{modelId}/params", new { model_id = modelId, @params = runParams.Skip(100) });
        var fetched = (await _client.OkGetAsync($"logged-models/{modelId}")).Json["model"]!;
        Assert.Equal(150, fetched["data"]!["params"]!.AsArray().Count);

        // 3. the run records its output.
        await _client.OkAsync("runs/outputs", new { run_id = runId, models = new[] { new { model_id = modelId, step = 0 } } });
        var run = await _client.GetRunAsync(runId);
        Assert.Equal(modelId, run["outputs"]!["model_outputs"]![0]!["model_id"]!.GetValue<string>());
        var searched = await _client.OkAsync("runs/search", new { experiment_ids = new[] { experimentId } });
        Assert.Equal(modelId, searched.Json["runs"]![0]!["outputs"]!["model_outputs"]![0]!["model_id"]!.GetValue<string>());

        // 4. the run's metrics are re-logged with the model id (and the dataset they were computed on).
        await _client.OkAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key = "accuracy", value = 0.93, timestamp = 5L, step = 0L, model_id = modelId, dataset_name = "iris", dataset_digest = "d41d8" } },
        });
        await _client.OkAsync("runs/log-metric", new { run_id = runId, key = "loss", value = 0.2, timestamp = 6, step = 0, model_id = modelId });
        var modelMetrics = (await _client.OkGetAsync($"logged-models/{modelId}")).Json["model"]!["data"]!["metrics"]!.AsArray();
        Assert.Equal(["accuracy", "loss"], modelMetrics.Select(m => m!["key"]!.GetValue<string>()));
        Assert.Equal("iris", modelMetrics[0]!["dataset_name"]!.GetValue<string>());
        Assert.Equal(modelId, modelMetrics[1]!["model_id"]!.GetValue<string>());
        Assert.Equal(0.93, (await _client.GetRunAsync(runId))["data"]!["metrics"]!.AsArray().Single(m => m!["key"]!.GetValue<string>() == "accuracy")!["value"]!.GetValue<double>());
        (await _client.PostAsync("runs/log-metric", new { run_id = runId, key = "x", value = 1, timestamp = 1, model_id = "m-nope" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

        // 6. upload through the artifact proxy to the model's own folder; 8. finalize.
        using (var put = await _client.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/models/{modelId}/artifacts/MLmodel",
            new StringContent($"model_id: {modelId}\n"), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var ready = await OkAsync(HttpMethod.Patch, $"logged-models/{modelId}", new { model_id = modelId, status = "LOGGED_MODEL_READY" });
        Assert.Equal("LOGGED_MODEL_READY", ready["model"]!["info"]!["status"]!.GetValue<string>());

        // A later run can name the model as one of its inputs.
        var evaluation = await _client.CreateRunAsync(experimentId);
        await _client.OkAsync("runs/log-inputs", new { run_id = evaluation, models = new[] { new { model_id = modelId } } });
        Assert.Equal(modelId, (await _client.GetRunAsync(evaluation))["inputs"]!["model_inputs"]![0]!["model_id"]!.GetValue<string>());
        (await _client.PostAsync("runs/log-inputs", new { run_id = evaluation, models = new[] { new { model_id = "m-nope" } } })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

        // runs:/<run>/model is resolved by the client through a search on name and source run.
        var found = await _client.OkAsync("logged-models/search", new { experiment_ids = new[] { experimentId }, filter = $"name = 'model' AND source_run_id = '{runId}'" });
        Assert.Equal(modelId, found.Json["models"]![0]!["info"]!["model_id"]!.GetValue<string>());

        // 9. register with model_id, then resolve models:/name/1.
        var name = "iris-" + Guid.NewGuid().ToString("N")[..8];
        await _client.OkAsync("registered-models/create", new { name });
        var version = (await _client.OkAsync("model-versions/create", new { name, source = $"models:/{modelId}", model_id = modelId })).Json["model_version"]!;
        Assert.Equal(runId, version["run_id"]!.GetValue<string>());
        Assert.Equal($"models:/{modelId}", version["source"]!.GetValue<string>());
        await OkAsync(HttpMethod.Patch, $"logged-models/{modelId}/tags", new { model_id = modelId, tags = new[] { new { key = "mlflow.modelVersions", value = $"[{{\"name\": \"{name}\", \"version\": \"1\"}}]" } } });

        var download = (await _client.OkGetAsync($"model-versions/get-download-uri?name={name}&version=1")).Json["artifact_uri"]!.GetValue<string>();
        using var file = await _client.Http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{download["mlflow-artifacts:/".Length..]}/MLmodel", Cancel);
        Assert.Equal($"model_id: {modelId}\n", await file.Content.ReadAsStringAsync(Cancel));

        // A source given only as models:/m-… works too.
        var second = (await _client.OkAsync("model-versions/create", new { name, source = $"models:/{modelId}" })).Json["model_version"]!;
        Assert.Equal("2", second["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task TagsDeleteAndLifecycle()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var modelId = (await _client.OkAsync("logged-models", new { experiment_id = experimentId })).Json["model"]!["info"]!["model_id"]!.GetValue<string>();
        await OkAsync(HttpMethod.Patch, $"logged-models/{modelId}/tags", new { tags = new[] { new { key = "mlflow.model.isExternal", value = "true" }, new { key = "a/b", value = "1" } } });
        await OkAsync(HttpMethod.Delete, $"logged-models/{modelId}/tags/mlflow.model.isExternal", new { });
        await OkAsync(HttpMethod.Delete, $"logged-models/{modelId}/tags/a/b", new { });
        Assert.Null((await _client.OkGetAsync($"logged-models/{modelId}")).Json["model"]!["info"]!["tags"]);

        var failed = await OkAsync(HttpMethod.Patch, $"logged-models/{modelId}", new { status = "LOGGED_MODEL_UPLOAD_FAILED" });
        Assert.Equal("LOGGED_MODEL_UPLOAD_FAILED", failed["model"]!["info"]!["status"]!.GetValue<string>());

        await OkAsync(HttpMethod.Delete, $"logged-models/{modelId}", new { model_id = modelId });
        (await _client.GetAsync($"logged-models/{modelId}")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal(modelId, (await _client.OkGetAsync($"logged-models/{modelId}?allow_deleted=true")).Json["model"]!["info"]!["model_id"]!.GetValue<string>());
        var none = await _client.OkAsync("logged-models/search", new { experiment_ids = new[] { experimentId } });
        Assert.Null(none.Json["models"]);
    }

    [Fact]
    public async Task Search_FiltersPagesAndRejectsBadInput()
    {
        var experimentId = await _client.CreateExperimentAsync();
        for (var i = 0; i < 5; i++)
        {
            await _client.OkAsync("logged-models", new { experiment_id = experimentId, name = $"m{i}", model_type = i % 2 == 0 ? "classifier" : "regressor", @params = new[] { new { key = "depth", value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } } });
        }

        var classifiers = await _client.OkAsync("logged-models/search", new { experiment_ids = new[] { experimentId }, filter = "model_type = 'classifier' AND params.depth != '0'" });
        Assert.Equal(["m2", "m4"], classifiers.Json["models"]!.AsArray().Select(m => m!["info"]!["name"]!.GetValue<string>()).Order());
        var inList = await _client.OkAsync("logged-models/search", new { experiment_ids = new[] { experimentId }, filter = "name IN ('m1', 'm3')" });
        Assert.Equal(2, inList.Json["models"]!.AsArray().Count);

        var page = await _client.OkAsync("logged-models/search", new { experiment_ids = new[] { experimentId }, max_results = 3 });
        var rest = await _client.OkAsync("logged-models/search", new { experiment_ids = new[] { experimentId }, max_results = 3, page_token = page.Json["next_page_token"]!.GetValue<string>() });
        Assert.Equal(2, rest.Json["models"]!.AsArray().Count);

        (await _client.PostAsync("logged-models/search", new { filter = "name = 'x'" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("logged-models/search", new { experiment_ids = new[] { experimentId }, filter = "colour = 'red'" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("logged-models", new { experiment_id = experimentId, name = "a/b" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("logged-models", new { experiment_id = "987654" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.PostAsync("logged-models", new { experiment_id = experimentId, @params = Enumerable.Range(0, 101).Select(i => new { key = $"k{i}", value = "v" }) })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        var modelId = (await _client.OkAsync("logged-models", new { experiment_id = experimentId })).Json["model"]!["info"]!["model_id"]!.GetValue<string>();
        (await _client.SendAsync(HttpMethod.Patch, MlflowHttp.Api + $"logged-models/{modelId}", "{\"status\": \"LOGGED_MODEL_PENDING\"}")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.SendAsync(HttpMethod.Patch, MlflowHttp.Api + $"logged-models/{modelId}", "{\"status\": \"DONE\"}")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.SendAsync(HttpMethod.Patch, MlflowHttp.Api + "logged-models/m-nope", "{\"status\": \"LOGGED_MODEL_READY\"}")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.PostAsync("runs/outputs", new { run_id = await _client.CreateRunAsync(experimentId), models = new[] { new { model_id = "m-nope", step = 0 } } })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.PostAsync("model-versions/create", new { name = "x", source = "models:/m-nope" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Search_ByMetricsOnDatasets_OrderedByMetric_PagesBoundToTheSearch()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experimentId);
        foreach (var (name, train, test) in new[] { ("a", 0.9, 0.70), ("b", 0.8, 0.85), ("c", 0.7, 0.80), ("d", 0.6, double.NaN) })
        {
            var id = (await _client.OkAsync("logged-models", new { experiment_id = experimentId, name, source_run_id = runId })).Json["model"]!["info"]!["model_id"]!.GetValue<string>();
            var metrics = new List<object>
            {
                new { key = "acc", value = train, timestamp = 1L, step = 0L, model_id = id, dataset_name = "train", dataset_digest = "t1" },
                new { key = "acc", value = 0.1 + (train / 100), timestamp = 1L, step = 0L, model_id = id, dataset_name = "test", dataset_digest = "old" },
            };
            if (!double.IsNaN(test))
            {
                metrics.Add(new { key = "acc", value = test, timestamp = 2L, step = 1L, model_id = id, dataset_name = "test", dataset_digest = "e1" });
            }

            await _client.OkAsync("runs/log-batch", new { run_id = runId, metrics });
        }

        // The ajax-api twin answers the same as the api route.
        async Task<List<string>> Search(object body, string prefix = MlflowHttp.Api) =>
            ((await _client.PostAsync("logged-models/search", body, prefix)).Json["models"]?.AsArray() ?? [])
            .Select(m => m!["info"]!["name"]!.GetValue<string>()).ToList();
        var experiments = new[] { experimentId };

        Assert.Equal(["a", "b", "c"], (await Search(new { experiment_ids = experiments, filter = "metrics.acc >= 0.8" })).Order());
        Assert.Equal(["b", "c"], await Search(new
        {
            experiment_ids = experiments,
            filter = "metrics.acc >= 0.8",
            datasets = new[] { new { dataset_name = "test", dataset_digest = "e1" } },
            order_by = new[] { new { field_name = "name", ascending = true } },
        }, "/ajax-api/2.0/mlflow/"));
        Assert.Equal(["d"], await Search(new { experiment_ids = experiments, filter = "metrics.acc < 0.8 AND name = 'd'" }));

        // Ordered by the metric on the test set: its latest step decides; a model without one comes last.
        var byTest = new { field_name = "metrics.acc", ascending = false, dataset_name = "test", dataset_digest = "e1" };
        Assert.Equal(["b", "c", "a", "d"], await Search(new { experiment_ids = experiments, order_by = new[] { byTest } }));
        Assert.Equal(["a", "c", "b", "d"], await Search(new { experiment_ids = experiments, order_by = new[] { byTest with { ascending = true } } }));
        Assert.Equal(["d", "c", "b", "a"], await Search(new { experiment_ids = experiments, order_by = new[] { new { field_name = "name", ascending = false } } }));

        // Paging: the token only continues the search it came from.
        var first = await _client.OkAsync("logged-models/search", new { experiment_ids = experiments, order_by = new[] { byTest }, max_results = 3 });
        var token = first.Json["next_page_token"]!.GetValue<string>();
        var second = await _client.OkAsync("logged-models/search", new { experiment_ids = experiments, order_by = new[] { byTest }, max_results = 3, page_token = token });
        Assert.Equal("d", second.Json["models"]!.AsArray().Single()!["info"]!["name"]!.GetValue<string>());
        Assert.Null(second.Json["next_page_token"]);
        (await _client.PostAsync("logged-models/search", new { experiment_ids = experiments, max_results = 3, page_token = token })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("logged-models/search", new { experiment_ids = experiments, page_token = "not-a-token" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        (await _client.PostAsync("logged-models/search", new { experiment_ids = experiments, filter = "metrics.acc = 'high'" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("logged-models/search", new { experiment_ids = experiments, filter = "metrics.acc LIKE '0.%'" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("logged-models/search", new { experiment_ids = experiments, order_by = new[] { new { field_name = "colour" } } })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("logged-models/search", new { experiment_ids = experiments, order_by = new[] { new { field_name = "name", dataset_name = "test" } } })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("logged-models/search", new { experiment_ids = experiments, datasets = new[] { new { dataset_digest = "e1" } } })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }
}
