using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

/// <summary>
/// What an MLflow 3.x client sends for <c>log_model(..., registered_model_name=…)</c> inside a run, then for registering
/// and loading the model by <c>models:/name/1</c>, <c>models:/m-…</c> and <c>runs:/…/model</c>, request by request in
/// the client's order (written from the client code, since no 3.x client runs here).
/// </summary>
public class MlflowThreeWireSequenceTests(CairnServer server) : IClassFixture<CairnServer>
{
    private const string ProxyRoot = "/api/2.0/mlflow-artifacts/artifacts/";
    private static readonly Dictionary<string, string> PackageFiles = new()
    {
        ["MLmodel"] = "artifact_path: model\nflavors:\n  sklearn: {}\n",
        ["model.pkl"] = "pickled",
        ["env/requirements.txt"] = "scikit-learn\n",
    };

    private readonly MlflowHttp _client = server.Client;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<JsonNode> SendOkAsync(HttpMethod method, string route, object? body = null)
    {
        var reply = await _client.SendAsync(method, MlflowHttp.Api + route, body is null ? null : JsonSerializer.Serialize(body));
        Assert.True(reply.Status == HttpStatusCode.OK, $"{method} {route} answered {(int)reply.Status}: {reply.Text}");
        return reply.Json;
    }

    [Fact]
    public async Task LogModelInARun_WithOneHundredFiftyParams_RegistersAndLoadsByEveryUri()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experimentId);
        var runParams = Enumerable.Range(0, 150).Select(i => new { key = $"alpha:{i:D3}", value = i.ToString(CultureInfo.InvariantCulture) }).ToList();
        foreach (var chunk in runParams.Chunk(100))
        {
            await _client.OkAsync("runs/log-batch", new { run_id = runId, @params = chunk });
        }

        await _client.OkAsync("runs/log-batch", new { run_id = runId, metrics = new[] { new { key = "rmse", value = 0.25, timestamp = 10L, step = 0L } } });

        // 1. The run's params are read to be copied onto the model.
        Assert.Equal(150, (await _client.GetRunAsync(runId))["data"]!["params"]!.AsArray().Count);

        // 2. The logged model is created with the first 100 params; the other 50 follow, then the model is read back.
        var created = (await _client.OkAsync("logged-models", new
        {
            experiment_id = experimentId,
            name = "model",
            source_run_id = runId,
            @params = runParams.Take(100),
            tags = new[] { new { key = "mlflow.user", value = "ada" }, new { key = "mlflow.source.type", value = "LOCAL" } },
        })).Json["model"]!["info"]!;
        var modelId = created["model_id"]!.GetValue<string>();
        Assert.Equal("LOGGED_MODEL_PENDING", created["status"]!.GetValue<string>());
        var artifactUri = created["artifact_uri"]!.GetValue<string>();
        Assert.Equal($"mlflow-artifacts:/{experimentId}/models/{modelId}/artifacts", artifactUri);
        await _client.OkAsync($"logged-models/{modelId}/params", new { model_id = modelId, @params = runParams.Skip(100) });
        Assert.Equal(150, (await _client.OkGetAsync($"logged-models/{modelId}")).Json["model"]!["data"]!["params"]!.AsArray().Count);

        // 3. The run records the model as its output at step 0.
        await _client.OkAsync("runs/outputs", new { run_id = runId, models = new[] { new { model_id = modelId, step = 0L } } });

        // 4. The run's metrics of that step are read (one history call per key) and logged again with the model id.
        var run = await _client.GetRunAsync(runId);
        foreach (var key in run["data"]!["metrics"]!.AsArray().Select(m => m!["key"]!.GetValue<string>()))
        {
            var history = (await _client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key={key}&max_results=25000")).Json;
            var points = history["metrics"]!.AsArray().Select(m => new
            {
                key,
                value = m!["value"]!.GetValue<double>(),
                timestamp = m["timestamp"]!.GetValue<long>(),
                step = m["step"]!.GetValue<long>(),
                model_id = modelId,
            });
            await _client.OkAsync("runs/log-batch", new { run_id = runId, metrics = points });
        }

        // 6. The client reads the model's artifact_uri and uploads each file through the artifact proxy.
        var location = (await _client.OkGetAsync($"logged-models/{modelId}")).Json["model"]!["info"]!["artifact_uri"]!.GetValue<string>();
        foreach (var (path, text) in PackageFiles)
        {
            using var put = await _client.Http.PutAsync(ProxyRoot + location["mlflow-artifacts:/".Length..] + "/" + path, new StringContent(text), Cancel);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        // 7. (only when the client had marked it external) the tag is removed; 8. finalize.
        await SendOkAsync(HttpMethod.Patch, $"logged-models/{modelId}/tags", new { tags = new[] { new { key = "mlflow.model.isExternal", value = "true" } } });
        await SendOkAsync(HttpMethod.Delete, $"logged-models/{modelId}/tags/mlflow.model.isExternal");
        var ready = await SendOkAsync(HttpMethod.Patch, $"logged-models/{modelId}", new { model_id = modelId, status = "LOGGED_MODEL_READY" });
        var readyInfo = ready["model"]!["info"]!;
        Assert.Equal("LOGGED_MODEL_READY", readyInfo["status"]!.GetValue<string>());
        Assert.DoesNotContain(readyInfo["tags"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "mlflow.model.isExternal");
        var modelMetric = Assert.Single(ready["model"]!["data"]!["metrics"]!.AsArray());
        Assert.Equal(("rmse", 0.25, modelId), (modelMetric!["key"]!.GetValue<string>(), modelMetric["value"]!.GetValue<double>(), modelMetric["model_id"]!.GetValue<string>()));

        // 9. registered_model_name: create the model (an existing one is tolerated), then the version from models:/<model_id>.
        var name = "iris-" + Guid.NewGuid().ToString("N")[..8];
        await _client.OkAsync("registered-models/create", new { name });
        (await _client.PostAsync("registered-models/create", new { name })).AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");
        var version = (await _client.OkAsync("model-versions/create", new { name, source = $"models:/{modelId}", model_id = modelId })).Json["model_version"]!;
        Assert.Equal(("1", $"models:/{modelId}", runId, "READY"),
            (version["version"]!.GetValue<string>(), version["source"]!.GetValue<string>(), version["run_id"]!.GetValue<string>(), version["status"]!.GetValue<string>()));
        Assert.Equal("READY", (await _client.OkGetAsync($"model-versions/get?name={name}&version=1")).Json["model_version"]!["status"]!.GetValue<string>());

        // The client then appends the version to the model's mlflow.modelVersions tag (read, modify, write).
        await _client.OkGetAsync($"logged-models/{modelId}");
        var versions = $"[{{\"name\": \"{name}\", \"version\": \"1\"}}]";
        await SendOkAsync(HttpMethod.Patch, $"logged-models/{modelId}/tags", new { tags = new[] { new { key = "mlflow.modelVersions", value = versions } } });
        var tags = (await _client.OkGetAsync($"logged-models/{modelId}")).Json["model"]!["info"]!["tags"]!.AsArray();
        Assert.Equal(versions, tags.Single(t => t!["key"]!.GetValue<string>() == "mlflow.modelVersions")!["value"]!.GetValue<string>());

        // Loading models:/name/1: the download URI is the stored package, never the models:/ source.
        var downloadUri = (await _client.OkGetAsync($"model-versions/get-download-uri?name={name}&version=1")).Json["artifact_uri"]!.GetValue<string>();
        Assert.StartsWith("mlflow-artifacts:/", downloadUri, StringComparison.Ordinal);
        await AssertPackageAtAsync(downloadUri);

        // Loading models:/m-…: the logged model's artifact_uri.
        await AssertPackageAtAsync((await _client.OkGetAsync($"logged-models/{modelId}")).Json["model"]!["info"]!["artifact_uri"]!.GetValue<string>());

        // Loading runs:/<run>/model: nothing at that path in the run's artifacts, so the client searches the run's logged models.
        var runArtifacts = (await _client.GetRunAsync(runId))["info"]!["artifact_uri"]!.GetValue<string>();
        var listing = (await _client.OkGetAsync($"artifacts/list?run_id={runId}&path=model")).Json;
        Assert.Null(listing["files"]);
        var found = (await _client.OkAsync("logged-models/search", new { experiment_ids = new[] { experimentId }, filter = "name = 'model'" })).Json["models"]!.AsArray();
        var byRun = Assert.Single(found, m => m!["info"]!["source_run_id"]!.GetValue<string>() == runId)!;
        Assert.Equal(modelId, byRun["info"]!["model_id"]!.GetValue<string>());
        Assert.Equal(modelId, (await _client.GetRunAsync(runId))["outputs"]!["model_outputs"]![0]!["model_id"]!.GetValue<string>());
        await AssertPackageAtAsync(byRun["info"]!["artifact_uri"]!.GetValue<string>());
        Assert.StartsWith($"mlflow-artifacts:/{experimentId}/{runId}/", runArtifacts, StringComparison.Ordinal);

        // A client that sends runs:/<run>/model as the source gets the logged model's files too.
        var byRunUri = (await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model" })).Json["model_version"]!;
        Assert.Equal(("2", $"runs:/{runId}/model", runId), (byRunUri["version"]!.GetValue<string>(), byRunUri["source"]!.GetValue<string>(), byRunUri["run_id"]!.GetValue<string>()));
        await AssertPackageAtAsync((await _client.OkGetAsync($"model-versions/get-download-uri?name={name}&version=2")).Json["artifact_uri"]!.GetValue<string>());
    }

    [Fact]
    public async Task RegisterFromRunUri_PrefersAModelSavedInTheRunsArtifacts()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experimentId);

        // The same name both ways: a 2.x package in the run's artifacts and a 3.x logged model of the run.
        using (var put = await _client.Http.PutAsync($"{ProxyRoot}{experimentId}/{runId}/artifacts/model/MLmodel", new StringContent("saved the 2.x way"), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var modelId = (await _client.OkAsync("logged-models", new { experiment_id = experimentId, name = "model", source_run_id = runId })).Json["model"]!["info"]!["model_id"]!.GetValue<string>();
        using (var put = await _client.Http.PutAsync($"{ProxyRoot}{experimentId}/models/{modelId}/artifacts/MLmodel", new StringContent("logged the 3.x way"), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var name = "both-" + Guid.NewGuid().ToString("N")[..8];
        await _client.OkAsync("registered-models/create", new { name });
        await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model" });
        Assert.Equal("saved the 2.x way", await ReadMlModelAsync(name, 1));

        // Two logged models of the same name and run: the one the run output at the higher step wins.
        var later = (await _client.OkAsync("logged-models", new { experiment_id = experimentId, name = "tuned", source_run_id = runId })).Json["model"]!["info"]!["model_id"]!.GetValue<string>();
        var earlier = (await _client.OkAsync("logged-models", new { experiment_id = experimentId, name = "tuned", source_run_id = runId })).Json["model"]!["info"]!["model_id"]!.GetValue<string>();
        await _client.OkAsync("runs/outputs", new { run_id = runId, models = new[] { new { model_id = later, step = 7L }, new { model_id = earlier, step = 2L } } });
        foreach (var id in new[] { later, earlier })
        {
            using var put = await _client.Http.PutAsync($"{ProxyRoot}{experimentId}/models/{id}/artifacts/MLmodel", new StringContent(id), Cancel);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/tuned" });
        Assert.Equal(later, await ReadMlModelAsync(name, 2));
    }

    private async Task<string> ReadMlModelAsync(string name, int version)
    {
        var uri = (await _client.OkGetAsync($"model-versions/get-download-uri?name={name}&version={version}")).Json["artifact_uri"]!.GetValue<string>();
        using var file = await _client.Http.GetAsync(ProxyRoot + uri["mlflow-artifacts:/".Length..] + "/MLmodel", Cancel);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        return await file.Content.ReadAsStringAsync(Cancel);
    }

    /// <summary>Lists the location through the artifact proxy, as MLflow's artifact repository does, and downloads every file.</summary>
    private async Task AssertPackageAtAsync(string uri)
    {
        var root = uri["mlflow-artifacts:/".Length..];
        var top = (await _client.OkGetAsync($"artifacts?path={Uri.EscapeDataString(root)}", "/api/2.0/mlflow-artifacts/")).Json["files"]!.AsArray();
        Assert.Equal(["MLmodel", "env", "model.pkl"], top.Select(f => f!["path"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (var (path, text) in PackageFiles)
        {
            using var file = await _client.Http.GetAsync(ProxyRoot + root + "/" + path, Cancel);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(text, await file.Content.ReadAsStringAsync(Cancel));
        }
    }
}
