using System.Net;
using System.Text.Json.Nodes;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Registry;

public class RegistryApiTests(CairnServer server) : IClassFixture<CairnServer>
{
    private readonly MlflowHttp _client = server.Client;

    private static string NewName() => "model-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<Reply> SendAsync(HttpMethod method, string route, object body) =>
        await _client.SendAsync(method, MlflowHttp.Api + route, System.Text.Json.JsonSerializer.Serialize(body));

    private async Task<JsonNode> OkAsync(HttpMethod method, string route, object body)
    {
        var reply = await SendAsync(method, route, body);
        Assert.True(reply.Status == HttpStatusCode.OK, $"{route} answered {(int)reply.Status}: {reply.Text}");
        return reply.Json;
    }

    private async Task<(string RunId, string ExperimentId)> RunWithModelFileAsync()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experimentId);
        using var put = await _client.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/model/MLmodel",
            new StringContent("flavors: {}\n"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        return (runId, experimentId);
    }

    private async Task<string> CreateVersionAsync(string name, string source) =>
        (await _client.OkAsync("model-versions/create", new { name, source })).Json["model_version"]!["version"]!.GetValue<string>();

    [Fact]
    public async Task RegisteredModel_Lifecycle()
    {
        var name = NewName();
        var created = (await _client.OkAsync("registered-models/create", new { name, description = "first", tags = new[] { new { key = "team", value = "risk" } } })).Json["registered_model"]!;
        Assert.Equal(name, created["name"]!.GetValue<string>());
        Assert.Equal("first", created["description"]!.GetValue<string>());
        Assert.True(created["creation_timestamp"]!.GetValue<long>() > 0);
        Assert.Equal("risk", created["tags"]![0]!["value"]!.GetValue<string>());

        (await _client.PostAsync("registered-models/create", new { name })).AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");

        var updated = await OkAsync(HttpMethod.Patch, "registered-models/update", new { name, description = "second" });
        Assert.Equal("second", updated["registered_model"]!["description"]!.GetValue<string>());

        var newName = NewName();
        await _client.OkAsync("registered-models/rename", new { name, new_name = newName });
        (await _client.GetAsync($"registered-models/get?name={name}")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        var renamed = (await _client.OkGetAsync($"registered-models/get?name={newName}")).Json["registered_model"]!;
        Assert.Equal("risk", renamed["tags"]![0]!["value"]!.GetValue<string>());

        await OkAsync(HttpMethod.Delete, "registered-models/delete", new { name = newName });
        (await _client.GetAsync($"registered-models/get?name={newName}")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await _client.OkAsync("registered-models/create", new { name = newName });
    }

    [Fact]
    public async Task Versions_FromRunSource_AreNumberedAndNeverReused()
    {
        var name = NewName();
        await _client.OkAsync("registered-models/create", new { name });
        var (runId, experimentId) = await RunWithModelFileAsync();

        var first = (await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", description = "d" })).Json["model_version"]!;
        Assert.Equal("1", first["version"]!.GetValue<string>());
        Assert.Equal("READY", first["status"]!.GetValue<string>());
        Assert.Equal("None", first["current_stage"]!.GetValue<string>());
        Assert.Equal(runId, first["run_id"]!.GetValue<string>());
        Assert.Equal("", first["run_link"]!.GetValue<string>());

        var uri = (await _client.OkGetAsync($"model-versions/get-download-uri?name={name}&version=1")).Json["artifact_uri"]!.GetValue<string>();
        Assert.StartsWith("mlflow-artifacts:/models/", uri, StringComparison.Ordinal);
        Assert.Equal($"runs:/{runId}/model", first["source"]!.GetValue<string>());

        Assert.Equal("2", await CreateVersionAsync(name, $"runs:/{runId}/model"));
        await OkAsync(HttpMethod.Delete, "model-versions/delete", new { name, version = "2" });
        (await _client.GetAsync($"model-versions/get?name={name}&version=2")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal("3", await CreateVersionAsync(name, $"mlflow-artifacts:/{experimentId}/{runId}/artifacts/model"));
        Assert.Equal("4", await CreateVersionAsync(name, $"models:/{name}/1"));
        var copyUri = (await _client.OkGetAsync($"model-versions/get-download-uri?name={name}&version=4")).Json["artifact_uri"]!.GetValue<string>();
        Assert.StartsWith("mlflow-artifacts:/models/", copyUri, StringComparison.Ordinal);
        Assert.NotEqual(uri, copyUri);
        using var copied = await _client.Http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{copyUri["mlflow-artifacts:/".Length..]}/MLmodel", TestContext.Current.CancellationToken);
        Assert.Equal("flavors: {}\n", await copied.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        using var file = await _client.Http.GetAsync($"/model-versions/get-artifact?name={name}&version=1&path=MLmodel", TestContext.Current.CancellationToken);
        Assert.Equal("flavors: {}\n", await file.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        (await _client.GetAsync($"model-versions/get?name={name}&version=abc")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("model-versions/create", new { name = NewName(), source = $"runs:/{runId}/model" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("relative/model")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("https://example.com/model.onnx")]
    [InlineData("s3://bucket/model")]
    [InlineData("mlflow-artifacts:/1/../../../etc")]
    [InlineData("mlflow-artifacts:/1/%2e%2e/%2e%2e/etc")]
    [InlineData("mlflow-artifacts://evil-host/1/x")]
    [InlineData("runs:/00000000000000000000000000000000/model")]
    [InlineData("runs:/abc/../../x")]
    [InlineData("models:/nothing/here/1")]
    public async Task Versions_WithUnmanagedOrUnsafeSources_AreRefused(string source)
    {
        var name = NewName();
        await _client.OkAsync("registered-models/create", new { name });
        var reply = await _client.PostAsync("model-versions/create", new { name, source });
        Assert.True(reply.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{source}: {(int)reply.Status} {reply.Text}");
        Assert.Null((await _client.OkGetAsync($"registered-models/get?name={name}")).Json["registered_model"]!["latest_versions"]);
    }

    [Fact]
    public async Task Stages_TransitionArchiveAndLatestVersions()
    {
        var name = NewName();
        await _client.OkAsync("registered-models/create", new { name });
        var (runId, _) = await RunWithModelFileAsync();
        for (var i = 0; i < 3; i++)
        {
            await CreateVersionAsync(name, $"runs:/{runId}/model");
        }

        var moved = (await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "production" })).Json["model_version"]!;
        Assert.Equal("Production", moved["current_stage"]!.GetValue<string>());
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "2", stage = "Staging" });
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "3", stage = "Production", archive_existing_versions = true });
        Assert.Equal("Archived", (await _client.OkGetAsync($"model-versions/get?name={name}&version=1")).Json["model_version"]!["current_stage"]!.GetValue<string>());

        var fromStage = (await _client.OkAsync("model-versions/create", new { name, source = $"models:/{name}/Production" })).Json["model_version"]!;
        Assert.Equal("4", fromStage["version"]!.GetValue<string>());
        var fromLatest = (await _client.OkAsync("model-versions/create", new { name, source = $"models:/{name}/latest" })).Json["model_version"]!;
        Assert.Equal("5", fromLatest["version"]!.GetValue<string>());
        var empty = NewName();
        await _client.OkAsync("registered-models/create", new { name = empty });
        (await _client.PostAsync("model-versions/create", new { name, source = $"models:/{empty}/latest" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.PostAsync("model-versions/create", new { name, source = $"models:/{empty}/Production" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "4", stage = "Archived" });
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "5", stage = "Archived" });

        var latest = (await _client.OkAsync("registered-models/get-latest-versions", new { name, stages = new[] { "production", "Staging" } })).Json["model_versions"]!.AsArray();
        Assert.Equal(["2", "3"], latest.Select(v => v!["version"]!.GetValue<string>()).Order());
        var model = (await _client.OkGetAsync($"registered-models/get?name={name}")).Json["registered_model"]!;
        Assert.Equal(3, model["latest_versions"]!.AsArray().Count);

        (await _client.PostAsync("model-versions/transition-stage", new { name, version = "2", stage = "Shipped" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("model-versions/transition-stage", new { name, version = "2", stage = "Archived", archive_existing_versions = true })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("registered-models/get-latest-versions", new { name, stages = new[] { "Nope" } })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Aliases_SetMoveResolveDelete_AndFollowVersionDeletion()
    {
        var name = NewName();
        await _client.OkAsync("registered-models/create", new { name });
        var (runId, _) = await RunWithModelFileAsync();
        await CreateVersionAsync(name, $"runs:/{runId}/model");
        await CreateVersionAsync(name, $"runs:/{runId}/model");

        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "1" });
        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "2" });
        var byAlias = (await _client.OkGetAsync($"registered-models/alias?name={name}&alias=champion")).Json["model_version"]!;
        Assert.Equal("2", byAlias["version"]!.GetValue<string>());
        Assert.Equal(["champion"], byAlias["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        var model = (await _client.OkGetAsync($"registered-models/get?name={name}")).Json["registered_model"]!;
        Assert.Equal("2", model["aliases"]![0]!["version"]!.GetValue<string>());

        var fromAlias = (await _client.OkAsync("model-versions/create", new { name, source = $"models:/{name}@champion" })).Json["model_version"]!;
        Assert.Equal("3", fromAlias["version"]!.GetValue<string>());
        await OkAsync(HttpMethod.Delete, "model-versions/delete", new { name, version = "2" });
        (await _client.GetAsync($"registered-models/alias?name={name}&alias=champion")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Null((await _client.OkGetAsync($"registered-models/get?name={name}")).Json["registered_model"]!["aliases"]);

        foreach (var bad in new[] { "latest", "v3", "V12", "has space", new string('a', 256) })
        {
            (await _client.PostAsync("registered-models/alias", new { name, alias = bad, version = "1" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        }

        (await _client.PostAsync("registered-models/alias", new { name, alias = "x", version = "99" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await OkAsync(HttpMethod.Delete, "registered-models/alias", new { name, alias = "never-set" });
    }

    [Fact]
    public async Task Tags_OnModelsAndVersions()
    {
        var name = NewName();
        await _client.OkAsync("registered-models/create", new { name });
        var (runId, _) = await RunWithModelFileAsync();
        await CreateVersionAsync(name, $"runs:/{runId}/model");

        var described = await OkAsync(HttpMethod.Patch, "model-versions/update", new { name, version = "1", description = "calibrated" });
        Assert.Equal("calibrated", described["model_version"]!["description"]!.GetValue<string>());
        (await SendAsync(HttpMethod.Patch, "model-versions/update", new { name, version = "9", description = "x" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await SendAsync(HttpMethod.Patch, "model-versions/update", new { name, version = "1", description = new string('d', 5001) })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        await _client.OkAsync("registered-models/set-tag", new { name, key = "k", value = "v" });
        await _client.OkAsync("model-versions/set-tag", new { name, version = "1", key = "validated", value = "yes" });
        Assert.Equal("yes", (await _client.OkGetAsync($"model-versions/get?name={name}&version=1")).Json["model_version"]!["tags"]![0]!["value"]!.GetValue<string>());

        await OkAsync(HttpMethod.Delete, "registered-models/delete-tag", new { name, key = "k" });
        await OkAsync(HttpMethod.Delete, "registered-models/delete-tag", new { name, key = "k" });
        await OkAsync(HttpMethod.Delete, "model-versions/delete-tag", new { name, version = "1", key = "validated" });
        Assert.Null((await _client.OkGetAsync($"registered-models/get?name={name}")).Json["registered_model"]!["tags"]);
        (await _client.PostAsync("registered-models/set-tag", new { name, key = "k", value = new string('v', 100_001) })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Search_ModelsAndVersions()
    {
        var prefix = "srch" + Guid.NewGuid().ToString("N")[..8];
        var (runId, _) = await RunWithModelFileAsync();
        for (var i = 0; i < 4; i++)
        {
            var name = $"{prefix}-{i}";
            await _client.OkAsync("registered-models/create", new { name, tags = new[] { new { key = "kind", value = i % 2 == 0 ? "tree" : "linear" } } });
            for (var v = 0; v <= i; v++)
            {
                await CreateVersionAsync(name, $"runs:/{runId}/model");
            }
        }

        var trees = (await _client.OkGetAsync($"registered-models/search?filter={Uri.EscapeDataString($"name LIKE '{prefix}%' AND tags.kind = 'tree'")}&order_by=name%20DESC")).Json["registered_models"]!.AsArray();
        Assert.Equal([$"{prefix}-2", $"{prefix}-0"], trees.Select(m => m!["name"]!.GetValue<string>()));

        var page1 = (await _client.OkGetAsync($"registered-models/search?filter={Uri.EscapeDataString($"name ILIKE '{prefix.ToUpperInvariant()}%'")}&max_results=3")).Json;
        Assert.Equal(3, page1["registered_models"]!.AsArray().Count);
        var token = page1["next_page_token"]!.GetValue<string>();
        var page2 = (await _client.OkGetAsync($"registered-models/search?filter={Uri.EscapeDataString($"name ILIKE '{prefix.ToUpperInvariant()}%'")}&max_results=3&page_token={Uri.EscapeDataString(token)}")).Json;
        Assert.Single(page2["registered_models"]!.AsArray());

        var versions = (await _client.OkGetAsync($"model-versions/search?filter={Uri.EscapeDataString($"name = '{prefix}-3' and version_number >= 2")}&order_by=version_number")).Json["model_versions"]!.AsArray();
        Assert.Equal(["2", "3", "4"], versions.Select(v => v!["version"]!.GetValue<string>()));
        var byRun = (await _client.OkGetAsync($"model-versions/search?filter={Uri.EscapeDataString($"run_id = '{runId}'")}")).Json["model_versions"]!.AsArray();
        Assert.Equal(10, byRun.Count);

        (await _client.GetAsync("registered-models/search?filter=" + Uri.EscapeDataString("tags.kind > 'a'"))).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.GetAsync("registered-models/search?filter=" + Uri.EscapeDataString("creation_timestamp > 1"))).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.GetAsync("registered-models/search?max_results=1001")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.GetAsync("model-versions/search?filter=" + Uri.EscapeDataString("version_number = 'x'"))).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.GetAsync("model-versions/search?order_by=bogus")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Version_SurvivesDeletionOfItsSourceRun()
    {
        var name = NewName();
        await _client.OkAsync("registered-models/create", new { name });
        var (runId, _) = await RunWithModelFileAsync();
        await CreateVersionAsync(name, $"runs:/{runId}/model");
        await _client.OkAsync("runs/delete", new { run_id = runId });
        var experimentId = (await _client.GetRunAsync(runId))["info"]!["experiment_id"]!.GetValue<string>();
        using (var wipe = await _client.Http.DeleteAsync($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, wipe.StatusCode);
        }

        Assert.Equal("1", (await _client.OkGetAsync($"model-versions/get?name={name}&version=1")).Json["model_version"]!["version"]!.GetValue<string>());
        using var file = await _client.Http.GetAsync($"/model-versions/get-artifact?name={name}&version=1&path=MLmodel", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("flavors: {}\n", await file.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
